using MultiTeacher.Core.Tensors;

namespace MultiTeacher.Core.Layers;

/// <summary>
/// Max pooling with a square window and stride equal to the window (PyTorch's <c>nn.MaxPool2d(k)</c>, floor mode).
/// Ties go to the first element in row-major order and NaN wins, as in PyTorch; the gradient flows to the winner.
/// </summary>
public sealed class MaxPool2d : Layer
{
    private readonly int _size;
    private readonly Tensor _output = new(0);
    private readonly Tensor _gradInput = new(0);
    private int[] _winners = [];   // per output element: index of the winning input element
    private bool _hasOutput;

    /// <summary>Creates a pooling layer over inputs of shape (C, H, W) with a <paramref name="size"/>² window.</summary>
    public MaxPool2d(int[] inputShape, int size) : base(inputShape, OutputShapeOf(inputShape, size)) => _size = size;

    /// <inheritdoc />
    public override string Description => $"MaxPool2d({_size})";

    /// <inheritdoc />
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckBatch(input, InputShape, "input");
        var batch = input.Dim(0);
        _output.ReshapeBatch(batch, OutputShape);
        if (_winners.Length < _output.Length)
        {
            _winners = new int[_output.Length];
        }

        var (h, w, ho, wo) = (InputShape[1], InputShape[2], OutputShape[1], OutputShape[2]);
        var x = input.Span;
        var y = _output.Span;
        var planes = batch * InputShape[0];
        for (var plane = 0; plane < planes; plane++)
        {
            var inBase = plane * h * w;
            var outBase = plane * ho * wo;
            for (var oh = 0; oh < ho; oh++)
            {
                for (var ow = 0; ow < wo; ow++)
                {
                    var best = inBase + oh * _size * w + ow * _size;
                    var bestValue = x[best];
                    for (var i = 0; i < _size; i++)
                    {
                        var rowStart = inBase + (oh * _size + i) * w + ow * _size;
                        for (var j = 0; j < _size; j++)
                        {
                            var v = x[rowStart + j];
                            if (v > bestValue || float.IsNaN(v))
                            {
                                bestValue = v;
                                best = rowStart + j;
                            }
                        }
                    }

                    y[outBase + oh * wo + ow] = bestValue;
                    _winners[outBase + oh * wo + ow] = best;
                }
            }
        }

        _hasOutput = true;
        return _output;
    }

    /// <inheritdoc />
    public override Tensor Backward(Tensor gradOutput)
    {
        CheckGradient(gradOutput, _hasOutput ? _output : null);
        _gradInput.ReshapeBatch(gradOutput.Dim(0), InputShape);
        var dx = _gradInput.Span;
        dx.Clear();
        var dy = gradOutput.Span;
        for (var i = 0; i < dy.Length; i++)
        {
            dx[_winners[i]] += dy[i];
        }

        return _gradInput;
    }

    private static int[] OutputShapeOf(int[] inputShape, int size)
    {
        if (inputShape.Length != 3)
        {
            throw new ShapeMismatchException($"MaxPool2d needs inputs of shape (C, H, W), got {ShapeText.Format(inputShape)}");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if (inputShape[1] < size || inputShape[2] < size)
        {
            throw new ShapeMismatchException($"MaxPool2d({size}) does not fit inputs of shape {ShapeText.Format(inputShape)}");
        }

        return [inputShape[0], inputShape[1] / size, inputShape[2] / size];
    }
}
