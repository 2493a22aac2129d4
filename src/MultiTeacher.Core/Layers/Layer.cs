using MultiTeacher.Core.Models;
using MultiTeacher.Core.Tensors;

namespace MultiTeacher.Core.Layers;

/// <summary>
/// A layer with a forward pass and a backward pass over a batch. Forward caches what backward needs; backward
/// accumulates parameter gradients and returns the gradient of the input. Tensors returned are owned by the layer and
/// stay valid until its next call. Shapes exclude the batch dimension.
/// </summary>
public abstract class Layer
{
    /// <summary>Creates a layer for inputs of <paramref name="inputShape"/> (per sample).</summary>
    protected Layer(int[] inputShape, int[] outputShape)
    {
        InputShape = inputShape;
        OutputShape = outputShape;
    }

    /// <summary>Per-sample input shape.</summary>
    public int[] InputShape { get; }

    /// <summary>Per-sample output shape.</summary>
    public int[] OutputShape { get; }

    /// <summary>The layer's index in its model (the PyTorch module name), set when the model is built.</summary>
    public string Name { get; internal set; } = "?";

    /// <summary>What the layer is, for example <c>Dense(784→64)</c>.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// Whether <see cref="Backward"/> must compute the input gradient. The first layer of a model does not need it,
    /// which saves a GEMM (and a col2im for convolutions).
    /// </summary>
    public bool ComputesInputGradient { get; set; } = true;

    /// <summary>Parameter shapes this layer needs, in PyTorch's order (weight, then bias).</summary>
    public virtual IReadOnlyList<(string Suffix, int[] Shape)> ParameterShapes => [];

    /// <summary>Connects the layer to its parameters once the model has laid them out.</summary>
    public virtual void Bind(ParameterSet parameters)
    {
    }

    /// <summary>Computes the output of a batch.</summary>
    public abstract Tensor Forward(Tensor input, bool training);

    /// <summary>Accumulates parameter gradients and returns the input gradient (undefined when <see cref="ComputesInputGradient"/> is false).</summary>
    public abstract Tensor Backward(Tensor gradOutput);

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Description}";

    /// <summary>Throws <see cref="ShapeMismatchException"/> unless <paramref name="tensor"/> is (B, <paramref name="expected"/>...).</summary>
    protected void CheckBatch(Tensor tensor, int[] expected, string what)
    {
        var shape = tensor.Shape;
        if (shape.Length == expected.Length + 1 && shape[1..].SequenceEqual(expected))
        {
            return;
        }

        throw new ShapeMismatchException(
            $"layer {Name} {Description}: {what} has shape {tensor.ShapeString}, expected {ShapeText.FormatBatch(expected)}");
    }

    /// <summary>Checks that the gradient matches the last forward output.</summary>
    protected void CheckGradient(Tensor gradOutput, Tensor? lastOutput)
    {
        if (lastOutput is null)
        {
            throw new InvalidOperationException($"layer {Name} {Description}: Backward called before Forward");
        }

        if (!gradOutput.Shape.SequenceEqual(lastOutput.Shape))
        {
            throw new ShapeMismatchException(
                $"layer {Name} {Description}: output gradient has shape {gradOutput.ShapeString}, the last output was {lastOutput.ShapeString}");
        }
    }
}
