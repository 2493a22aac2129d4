using MultiTeacher.Core.Models;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Core.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MultiTeacher.Core.Layers;

/// <summary>
/// 2-D convolution with stride 1 and zero padding, PyTorch's <c>nn.Conv2d</c> (weight [C_out, C_in, kh, kw]),
/// computed as im2col + one GEMM for the whole batch: Z (C_out × B·P) = W (C_out × K) · cols (K × B·P).
/// </summary>
public sealed class Conv2d : Layer
{
    private readonly int _inChannels;
    private readonly int _outChannels;
    private readonly int _kernel;
    private readonly int _padding;
    private readonly Tensor _columns = new(0);     // (K, B·P)
    private readonly Tensor _product = new(0);     // (C_out, B·P): GEMM output, reused as the reordered output gradient
    private readonly Tensor _gradColumns = new(0); // (K, B·P)
    private readonly Tensor _output = new(0);      // (B, C_out, Ho, Wo)
    private readonly Tensor _gradInput = new(0);   // (B, C_in, H, W)
    private ParameterSet? _parameters;
    private Parameter? _weight;                    // [C_out, C_in, k, k]
    private Parameter? _bias;                      // [C_out]
    private Im2Col _lowering;
    private bool _hasOutput;

    /// <summary>Creates a convolution over inputs of shape (C_in, H, W) with a square kernel.</summary>
    public Conv2d(int[] inputShape, int outChannels, int kernel, int padding = 0)
        : base(inputShape, OutputShapeOf(inputShape, outChannels, kernel, padding))
    {
        _inChannels = inputShape[0];
        _outChannels = outChannels;
        _kernel = kernel;
        _padding = padding;
    }

    /// <inheritdoc />
    public override string Description => $"Conv2d({_inChannels}→{_outChannels}, {_kernel}×{_kernel}, padding={_padding})";

    /// <inheritdoc />
    public override IReadOnlyList<(string Suffix, int[] Shape)> ParameterShapes =>
        [("weight", [_outChannels, _inChannels, _kernel, _kernel]), ("bias", [_outChannels])];

    /// <inheritdoc />
    public override void Bind(ParameterSet parameters)
    {
        _parameters = parameters;
        _weight = parameters[$"{Name}.weight"];
        _bias = parameters[$"{Name}.bias"];
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckBatch(input, InputShape, "input");
        var p = Bound();
        var batch = input.Dim(0);
        _lowering = new Im2Col(batch, _inChannels, InputShape[1], InputShape[2], _kernel, _kernel, _padding);
        var (k, n, plane) = (_lowering.Rows, _lowering.Columns, OutputShape[1] * OutputShape[2]);
        _columns.Reshape(k, n);
        _lowering.Lower(input.Buffer, _columns.Buffer);
        _product.Reshape(_outChannels, n);
        Gemm.Sgemm(false, false, _outChannels, n, k, 1f, p.Value(_weight!), k, _columns.Span, n, 0f, _product.Span, n);

        _output.ReshapeBatch(batch, OutputShape);
        var z = _product.Span;
        var y = _output.Span;
        var bias = p.Value(_bias!);
        for (var b = 0; b < batch; b++)
        {
            for (var c = 0; c < _outChannels; c++)
            {
                TensorPrimitives.Add(z.Slice(c * n + b * plane, plane), bias[c], y.Slice((b * _outChannels + c) * plane, plane));
            }
        }

        _hasOutput = true;
        return _output;
    }

    /// <inheritdoc />
    public override Tensor Backward(Tensor gradOutput)
    {
        CheckGradient(gradOutput, _hasOutput ? _output : null);
        var p = Bound();
        var batch = gradOutput.Dim(0);
        var (k, n, plane) = (_lowering.Rows, _lowering.Columns, OutputShape[1] * OutputShape[2]);

        var dy = gradOutput.Span;
        var dz = _product.Span; // (C_out, B·P)
        var db = p.Gradient(_bias!);
        for (var c = 0; c < _outChannels; c++)
        {
            for (var b = 0; b < batch; b++)
            {
                dy.Slice((b * _outChannels + c) * plane, plane).CopyTo(dz.Slice(c * n + b * plane, plane));
            }

            db[c] += TensorPrimitives.Sum(dz.Slice(c * n, n));
        }

        // dW (C_out, K) += dZ (C_out, B·P) · colsᵀ (B·P, K)
        Gemm.Sgemm(false, true, _outChannels, k, n, 1f, dz, n, _columns.Span, n, 1f, p.Gradient(_weight!), k);

        _gradInput.ReshapeBatch(batch, InputShape);
        if (ComputesInputGradient)
        {
            // dcols (K, B·P) = Wᵀ (K, C_out) · dZ (C_out, B·P), then scattered back to the image
            _gradColumns.Reshape(k, n);
            Gemm.Sgemm(true, false, k, n, _outChannels, 1f, p.Value(_weight!), k, dz, n, 0f, _gradColumns.Span, n);
            _gradInput.Span.Clear();
            _lowering.Raise(_gradColumns.Buffer, _gradInput.Buffer);
        }

        return _gradInput;
    }

    private static int[] OutputShapeOf(int[] inputShape, int outChannels, int kernel, int padding)
    {
        if (inputShape.Length != 3)
        {
            throw new ShapeMismatchException($"Conv2d needs inputs of shape (C, H, W), got {ShapeText.Format(inputShape)}");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernel);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        var (h, w) = (inputShape[1] + 2 * padding - kernel + 1, inputShape[2] + 2 * padding - kernel + 1);
        if (h <= 0 || w <= 0)
        {
            throw new ShapeMismatchException(
                $"Conv2d with a {kernel}×{kernel} kernel and padding {padding} does not fit inputs of shape {ShapeText.Format(inputShape)}");
        }

        return [outChannels, h, w];
    }

    private ParameterSet Bound() => _parameters ?? throw new InvalidOperationException($"layer {Name} {Description} has no parameters bound");
}
