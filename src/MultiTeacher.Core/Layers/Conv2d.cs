using MultiTeacher.Core.Models;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Core.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MultiTeacher.Core.Layers;

/// <summary>
/// 2-D convolution with stride 1 and zero padding, PyTorch's <c>nn.Conv2d</c> (weight [C_out, C_in, kh, kw]),
/// computed as im2col + GEMM over chunks of images: Z (C_out × chunk·P) = W (C_out × K) · cols (K × chunk·P).
/// </summary>
public sealed class Conv2d : Layer
{
    private readonly int _inChannels;
    private readonly int _outChannels;
    private readonly int _kernel;
    private readonly int _padding;
    /// <summary>Target size of one chunk's column matrix: 1 Mi floats (4 MiB), within a core's share of L2 + L3.</summary>
    private const int ChunkFloats = 1 << 20;

    private readonly Tensor _columns = new(0);     // (K, chunk·P)
    private readonly Tensor _product = new(0);     // (C_out, chunk·P): GEMM output, reused as the reordered output gradient
    private readonly Tensor _gradColumns = new(0); // (K, chunk·P)
    private readonly Tensor _output = new(0);      // (B, C_out, Ho, Wo)
    private readonly Tensor _gradInput = new(0);   // (B, C_in, H, W)
    private ParameterSet? _parameters;
    private Parameter? _weight;                    // [C_out, C_in, k, k]
    private Parameter? _bias;                      // [C_out]
    private Tensor? _input;                        // (B, C_in, H, W), the previous layer's output

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
        _input = input;
        _output.ReshapeBatch(batch, OutputShape);
        var (k, plane) = (_inChannels * _kernel * _kernel, OutputShape[1] * OutputShape[2]);
        var bias = p.Value(_bias!);
        var size = ChunkSize(batch);
        for (var first = 0; first < batch; first += size)
        {
            var count = Math.Min(size, batch - first);
            var lowering = Lowering(count);
            var n = lowering.Columns;
            _columns.Reshape(k, n);
            lowering.Lower(input.Buffer, first * InputSize, _columns.Buffer);
            _product.Reshape(_outChannels, n);
            Gemm.Sgemm(false, false, _outChannels, n, k, 1f, p.Value(_weight!), k, _columns.Span, n, 0f, _product.Span, n);

            var z = _product.Span;
            var y = _output.Span;
            for (var b = 0; b < count; b++)
            {
                for (var c = 0; c < _outChannels; c++)
                {
                    TensorPrimitives.Add(z.Slice(c * n + b * plane, plane), bias[c], y.Slice(((first + b) * _outChannels + c) * plane, plane));
                }
            }
        }

        return _output;
    }

    /// <inheritdoc />
    public override Tensor Backward(Tensor gradOutput)
    {
        CheckGradient(gradOutput, _input is null ? null : _output);
        var p = Bound();
        var batch = gradOutput.Dim(0);
        var (k, plane) = (_inChannels * _kernel * _kernel, OutputShape[1] * OutputShape[2]);
        var db = p.Gradient(_bias!);
        _gradInput.ReshapeBatch(batch, InputShape);
        if (ComputesInputGradient)
        {
            _gradInput.Span.Clear();
        }

        var size = ChunkSize(batch);
        for (var first = 0; first < batch; first += size)
        {
            var count = Math.Min(size, batch - first);

            // The columns are lowered again rather than kept from the forward pass: a chunk's columns fit in cache,
            // a whole batch's do not, and rereading them from memory costs more than recomputing them.
            var lowering = Lowering(count);
            var n = lowering.Columns;
            _columns.Reshape(k, n);
            lowering.Lower(_input!.Buffer, first * InputSize, _columns.Buffer);

            var dy = gradOutput.Span;
            _product.Reshape(_outChannels, n);
            var dz = _product.Span; // (C_out, chunk·P)
            for (var c = 0; c < _outChannels; c++)
            {
                for (var b = 0; b < count; b++)
                {
                    dy.Slice(((first + b) * _outChannels + c) * plane, plane).CopyTo(dz.Slice(c * n + b * plane, plane));
                }

                db[c] += TensorPrimitives.Sum(dz.Slice(c * n, n));
            }

            // dW (C_out, K) += dZ (C_out, chunk·P) · colsᵀ (chunk·P, K)
            Gemm.Sgemm(false, true, _outChannels, k, n, 1f, dz, n, _columns.Span, n, 1f, p.Gradient(_weight!), k);
            if (ComputesInputGradient)
            {
                // dcols (K, chunk·P) = Wᵀ (K, C_out) · dZ (C_out, chunk·P), then scattered back to the images
                _gradColumns.Reshape(k, n);
                Gemm.Sgemm(true, false, k, n, _outChannels, 1f, p.Value(_weight!), k, dz, n, 0f, _gradColumns.Span, n);
                lowering.Raise(_gradColumns.Buffer, _gradInput.Buffer, first * InputSize);
            }
        }

        return _gradInput;
    }

    private int InputSize => _inChannels * InputShape[1] * InputShape[2];

    private Im2Col Lowering(int images) => new(images, _inChannels, InputShape[1], InputShape[2], _kernel, _kernel, _padding);

    /// <summary>
    /// Images per chunk: a chunk's column matrix stays near <see cref="ChunkFloats"/> floats, so that lowering, GEMM
    /// and the reorder work in cache instead of streaming a whole batch's columns through memory.
    /// </summary>
    private int ChunkSize(int batch) =>
        Math.Clamp(ChunkFloats / (_inChannels * _kernel * _kernel * OutputShape[1] * OutputShape[2]), 1, Math.Max(batch, 1));

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
