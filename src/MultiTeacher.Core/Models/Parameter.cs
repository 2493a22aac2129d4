namespace MultiTeacher.Core.Models;

/// <summary>One named parameter tensor: a slice of a model's contiguous parameter buffer.</summary>
/// <param name="Name">PyTorch <c>state_dict()</c> name, for example <c>0.weight</c>.</param>
/// <param name="Shape">Shape in PyTorch's order, for example [out, in] for a dense weight.</param>
/// <param name="Offset">First element in <see cref="ParameterSet.Values"/>.</param>
public sealed record Parameter(string Name, int[] Shape, int Offset)
{
    /// <summary>Number of elements.</summary>
    public int Length => Tensors.ShapeText.Product(Shape);
}
