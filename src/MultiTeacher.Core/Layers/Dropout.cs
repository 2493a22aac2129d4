using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Core.Tensors;

namespace MultiTeacher.Core.Layers;

/// <summary>
/// Inverted dropout, as PyTorch's <c>nn.Dropout</c>: in training each element is kept with probability 1 − p and scaled
/// by 1 / (1 − p); in evaluation the layer is the identity. Masks come from a seeded generator, so training is
/// reproducible.
/// </summary>
public sealed class Dropout : Layer
{
    private readonly float _p;
    private readonly Rng _rng;
    private readonly Tensor _mask = new(0);      // same shape as the input: 0 or 1/(1-p)
    private readonly Tensor _output = new(0);
    private readonly Tensor _gradInput = new(0);
    private bool _lastWasTraining;
    private bool _hasOutput;

    /// <summary>Creates a dropout layer with drop probability <paramref name="p"/> in [0, 1).</summary>
    public Dropout(int[] shape, float p, ulong seed) : base(shape, shape)
    {
        if (!(p >= 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1)");
        }

        _p = p;
        _rng = new Rng(seed);
    }

    /// <summary>Drop probability.</summary>
    public float Probability => _p;

    /// <inheritdoc />
    public override string Description => $"Dropout(p={_p})";

    /// <summary>The mask of the last training forward pass (0 or 1/(1−p) per element).</summary>
    public ReadOnlySpan<float> LastMask => _mask.Span;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckBatch(input, InputShape, "input");
        _lastWasTraining = training && _p > 0;
        _hasOutput = true;
        if (!_lastWasTraining)
        {
            _output.AliasOf(input, input.Shape);
            return _output;
        }

        _mask.Reshape(input.Shape);
        var mask = _mask.Span;
        var scale = 1f / (1f - _p);
        for (var i = 0; i < mask.Length; i++)
        {
            mask[i] = _rng.NextFloat() >= _p ? scale : 0f;
        }

        _output.Reshape(input.Shape);
        TensorPrimitives.Multiply(input.Span, mask, _output.Span);
        return _output;
    }

    /// <inheritdoc />
    public override Tensor Backward(Tensor gradOutput)
    {
        CheckGradient(gradOutput, _hasOutput ? _output : null);
        if (!_lastWasTraining)
        {
            _gradInput.AliasOf(gradOutput, gradOutput.Shape);
            return _gradInput;
        }

        _gradInput.Reshape(gradOutput.Shape);
        TensorPrimitives.Multiply(gradOutput.Span, _mask.Span, _gradInput.Span);
        return _gradInput;
    }
}
