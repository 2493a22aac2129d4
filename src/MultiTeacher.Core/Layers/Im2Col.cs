using MultiTeacher.Core.Numerics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MultiTeacher.Core.Layers;

/// <summary>
/// The lowering of a stride-1 convolution to a matrix product. The column matrix has one row per (channel, kernel
/// row, kernel column) and one column per (image, output row, output column): K × (B·Ho·Wo). Work is split over
/// (channel, image) pairs, which touch disjoint parts of both matrices, on <see cref="Gemm.Threads"/> threads.
/// </summary>
public readonly record struct Im2Col(int Batch, int Channels, int Height, int Width, int KernelHeight, int KernelWidth, int Padding)
{
    /// <summary>Output height.</summary>
    public int OutHeight => Height + 2 * Padding - KernelHeight + 1;

    /// <summary>Output width.</summary>
    public int OutWidth => Width + 2 * Padding - KernelWidth + 1;

    /// <summary>Rows of the column matrix: C·kh·kw.</summary>
    public int Rows => Channels * KernelHeight * KernelWidth;

    /// <summary>Columns of the column matrix: B·Ho·Wo.</summary>
    public int Columns => Batch * OutHeight * OutWidth;

    /// <summary>
    /// Fills <paramref name="columns"/> (Rows × Columns) from the <see cref="Batch"/> images (C, H, W) that start at
    /// element <paramref name="inputOffset"/> of <paramref name="input"/>.
    /// </summary>
    public void Lower(float[] input, int inputOffset, float[] columns)
    {
        var self = this;
        var images = input.AsMemory(inputOffset, Batch * Channels * Height * Width);
        ParallelRange.For(Channels * Batch, (long)Rows * Columns, (first, end) => self.Lower(images.Span, columns, first, end));
    }

    /// <summary>Adds <paramref name="columns"/> (Rows × Columns) into the images at <paramref name="inputOffset"/>: the adjoint of <see cref="Lower(float[], int, float[])"/>.</summary>
    public void Raise(float[] columns, float[] input, int inputOffset)
    {
        var self = this;
        var images = input.AsMemory(inputOffset, Batch * Channels * Height * Width);
        ParallelRange.For(Channels * Batch, (long)Rows * Columns, (first, end) => self.Raise(columns, images.Span, first, end));
    }

    private void Lower(ReadOnlySpan<float> input, Span<float> columns, int firstPair, int endPair)
    {
        var (ho, wo, n, plane) = (OutHeight, OutWidth, Columns, OutHeight * OutWidth);
        for (var pair = firstPair; pair < endPair; pair++)
        {
            var (c, b) = Math.DivRem(pair, Batch);
            var image = input.Slice((b * Channels + c) * Height * Width, Height * Width);
            for (var ki = 0; ki < KernelHeight; ki++)
            {
                for (var kj = 0; kj < KernelWidth; kj++)
                {
                    var block = columns.Slice(((c * KernelHeight + ki) * KernelWidth + kj) * n + b * plane, plane);
                    var (first, last) = ValidColumns(kj, wo);
                    for (var oh = 0; oh < ho; oh++)
                    {
                        var dst = block.Slice(oh * wo, wo);
                        var ih = oh + ki - Padding;
                        if (ih < 0 || ih >= Height || first >= last)
                        {
                            dst.Clear();
                            continue;
                        }

                        dst[..first].Clear();
                        image.Slice(ih * Width + first + kj - Padding, last - first).CopyTo(dst[first..last]);
                        dst[last..].Clear();
                    }
                }
            }
        }
    }

    private void Raise(ReadOnlySpan<float> columns, Span<float> input, int firstPair, int endPair)
    {
        var (ho, wo, n, plane) = (OutHeight, OutWidth, Columns, OutHeight * OutWidth);
        for (var pair = firstPair; pair < endPair; pair++)
        {
            var (c, b) = Math.DivRem(pair, Batch);
            var image = input.Slice((b * Channels + c) * Height * Width, Height * Width);
            for (var ki = 0; ki < KernelHeight; ki++)
            {
                for (var kj = 0; kj < KernelWidth; kj++)
                {
                    var block = columns.Slice(((c * KernelHeight + ki) * KernelWidth + kj) * n + b * plane, plane);
                    var (first, last) = ValidColumns(kj, wo);
                    if (first >= last)
                    {
                        continue;
                    }

                    for (var oh = 0; oh < ho; oh++)
                    {
                        var ih = oh + ki - Padding;
                        if (ih < 0 || ih >= Height)
                        {
                            continue;
                        }

                        var dst = image.Slice(ih * Width + first + kj - Padding, last - first);
                        TensorPrimitives.Add(dst, block.Slice(oh * wo + first, last - first), dst);
                    }
                }
            }
        }
    }

    /// <summary>The output columns [first, last) whose input column lies inside the image for kernel column kj.</summary>
    private (int First, int Last) ValidColumns(int kj, int wo)
    {
        var first = Math.Max(0, Padding - kj);
        var last = Math.Min(wo, Width + Padding - kj);
        return (first, Math.Max(first, last));
    }
}
