using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Core.Tensors;

namespace MultiTeacher.Core.Layers;

/// <summary>Rectified linear unit: <c>y = max(x, 0)</c>; the gradient passes where <c>y &gt; 0</c>.</summary>
public sealed class Relu : Layer
{
    private readonly Tensor _output = new(0);
    private readonly Tensor _gradInput = new(0);
    private bool _hasOutput;

    /// <summary>Creates a ReLU for inputs of the given per-sample shape.</summary>
    public Relu(int[] shape) : base(shape, shape)
    {
    }

    /// <inheritdoc />
    public override string Description => "ReLU";

    /// <inheritdoc />
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckBatch(input, InputShape, "input");
        _output.Reshape(input.Shape);
        TensorPrimitives.Max(input.Span, 0f, _output.Span);
        _hasOutput = true;
        return _output;
    }

    /// <inheritdoc />
    public override Tensor Backward(Tensor gradOutput)
    {
        CheckGradient(gradOutput, _hasOutput ? _output : null);
        _gradInput.Reshape(gradOutput.Shape);
        Kernels.ReluBackward(_output.Span, gradOutput.Span, _gradInput.Span);
        return _gradInput;
    }
}
