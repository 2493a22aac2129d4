using System.Runtime.Intrinsics;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Core.Tensors;

namespace MultiTeacher.Core.Layers;

/// <summary>
/// Max pooling with a square window and stride equal to the window (PyTorch's <c>nn.MaxPool2d(k)</c>, floor mode).
/// Ties go to the first element in row-major order and NaN wins, as in PyTorch; the gradient flows to the winner.
/// Image planes are spread over <see cref="Gemm.Threads"/> threads.
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

        var planes = batch * InputShape[0];
        var pool = new Pooling(input.Buffer, _output.Buffer, _winners, InputShape[1], InputShape[2], OutputShape[1], OutputShape[2], _size);
        ParallelRange.For(planes, (long)input.Length, pool.Run);
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
        var winners = _winners.AsSpan(0, dy.Length);
        for (var i = 0; i < dy.Length; i++)
        {
            dx[winners[i]] += dy[i];
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

    /// <summary>The pooling of a range of image planes; separate so that planes can run on several threads.</summary>
    private sealed unsafe class Pooling(float[] input, float[] output, int[] winners, int h, int w, int ho, int wo, int size)
    {
        public void Run(int firstPlane, int endPlane)
        {
            fixed (float* x = input, y = output)
            fixed (int* win = winners)
            {
                for (var plane = firstPlane; plane < endPlane; plane++)
                {
                    for (var oh = 0; oh < ho; oh++)
                    {
                        var rowIn = plane * h * w + oh * size * w;
                        var rowOut = plane * ho * wo + oh * wo;
                        var done = size != 2 ? 0
                            : wo >= 8 && Vector512.IsHardwareAccelerated ? PairsOf8(x, y, win, rowIn, rowOut)
                            : wo >= 4 && Vector256.IsHardwareAccelerated ? PairsOf4(x, y, win, rowIn, rowOut)
                            : 0;
                        for (var ow = done; ow < wo; ow++)
                        {
                            Window(x, y, win, rowIn, rowOut, ow);
                        }
                    }
                }
            }
        }

        /// <summary>One output element; a branch per element, as PyTorch: `v &gt; best || isnan(v)`.</summary>
        private void Window(float* x, float* y, int* win, int rowIn, int rowOut, int ow)
        {
            var best = rowIn + ow * size;
            var bestValue = x[best];
            for (var i = 0; i < size; i++)
            {
                var start = rowIn + i * w + ow * size;
                for (var j = 0; j < size; j++)
                {
                    var v = x[start + j];
                    if (v > bestValue || float.IsNaN(v))
                    {
                        bestValue = v;
                        best = start + j;
                    }
                }
            }

            y[rowOut + ow] = bestValue;
            win[rowOut + ow] = best;
        }

        /// <summary>
        /// 2×2 windows eight at a time (AVX-512): the two input rows are split into even and odd columns and the four
        /// candidates compared lane-wise in PyTorch's order. The last block overlaps the one before it, so any width of
        /// at least 8 is covered without a scalar tail. Branch-free: on real data a scalar branch mispredicts often.
        /// </summary>
        private int PairsOf8(float* x, float* y, int* win, int rowIn, int rowOut)
        {
            var evenOdd = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
            var lanes = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
            var one = Vector256.Create(1);
            var down = Vector256.Create(w);
            var downRight = Vector256.Create(w + 1);
            for (var ow = 0; ow < wo; ow += 8)
            {
                var o = Math.Min(ow, wo - 8);
                var top = Vector512.Shuffle(Vector512.Load(x + rowIn + 2 * o), evenOdd);
                var bottom = Vector512.Shuffle(Vector512.Load(x + rowIn + w + 2 * o), evenOdd);
                var best = top.GetLower();
                var offset = Vector256<int>.Zero;
                Take(top.GetUpper(), one, ref best, ref offset);
                Take(bottom.GetLower(), down, ref best, ref offset);
                Take(bottom.GetUpper(), downRight, ref best, ref offset);
                best.Store(y + rowOut + o);
                (Vector256.Create(rowIn + 2 * o) + lanes + offset).Store(win + rowOut + o);
            }

            return wo;
        }

        /// <summary>As <see cref="PairsOf8"/>, four windows at a time (AVX2), for narrow images.</summary>
        private int PairsOf4(float* x, float* y, int* win, int rowIn, int rowOut)
        {
            var evenOdd = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
            var lanes = Vector128.Create(0, 2, 4, 6);
            var one = Vector128.Create(1);
            var down = Vector128.Create(w);
            var downRight = Vector128.Create(w + 1);
            for (var ow = 0; ow < wo; ow += 4)
            {
                var o = Math.Min(ow, wo - 4);
                var top = Vector256.Shuffle(Vector256.Load(x + rowIn + 2 * o), evenOdd);
                var bottom = Vector256.Shuffle(Vector256.Load(x + rowIn + w + 2 * o), evenOdd);
                var best = top.GetLower();
                var offset = Vector128<int>.Zero;
                Take(top.GetUpper(), one, ref best, ref offset);
                Take(bottom.GetLower(), down, ref best, ref offset);
                Take(bottom.GetUpper(), downRight, ref best, ref offset);
                best.Store(y + rowOut + o);
                (Vector128.Create(rowIn + 2 * o) + lanes + offset).Store(win + rowOut + o);
            }

            return wo;
        }

        private static void Take(Vector128<float> candidate, Vector128<int> candidateOffset, ref Vector128<float> best, ref Vector128<int> offset)
        {
            var take = Vector128.GreaterThan(candidate, best) | ~Vector128.Equals(candidate, candidate);
            best = Vector128.ConditionalSelect(take, candidate, best);
            offset = Vector128.ConditionalSelect(take.AsInt32(), candidateOffset, offset);
        }

        private static void Take(Vector256<float> candidate, Vector256<int> candidateOffset, ref Vector256<float> best, ref Vector256<int> offset)
        {
            var take = Vector256.GreaterThan(candidate, best) | ~Vector256.Equals(candidate, candidate);
            best = Vector256.ConditionalSelect(take, candidate, best);
            offset = Vector256.ConditionalSelect(take.AsInt32(), candidateOffset, offset);
        }
    }
}
