using MultiTeacher.Core.Tensors;

namespace MultiTeacher.Core.Layers;

/// <summary>Flattens (B, C, H, W) to (B, C·H·W) in C, H, W order, as PyTorch's <c>nn.Flatten</c>; a view, no copy.</summary>
public sealed class Flatten : Layer
{
    private readonly Tensor _output = new(0, 0);
    private readonly Tensor _gradInput = new(0);
    private bool _hasOutput;

    /// <summary>Creates a flatten layer for inputs of the given per-sample shape.</summary>
    public Flatten(int[] inputShape) : base(inputShape, [ShapeText.Product(inputShape)])
    {
    }

    /// <inheritdoc />
    public override string Description => $"Flatten{ShapeText.Format(InputShape)}";

    /// <inheritdoc />
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckBatch(input, InputShape, "input");
        _output.AliasOf(input, [input.Dim(0), OutputShape[0]]);
        _hasOutput = true;
        return _output;
    }

    /// <inheritdoc />
    public override Tensor Backward(Tensor gradOutput)
    {
        CheckGradient(gradOutput, _hasOutput ? _output : null);
        Span<int> shape = stackalloc int[InputShape.Length + 1];
        shape[0] = gradOutput.Dim(0);
        InputShape.CopyTo(shape[1..]);
        _gradInput.AliasOf(gradOutput, shape);
        return _gradInput;
    }
}
