using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace MultiTeacher.Core.Numerics;

/// <summary>Small vectorised loops that the layers share and that <see cref="TensorPrimitives"/> does not offer.</summary>
public static class Kernels
{
    /// <summary><c>gradIn[i] = output[i] &gt; 0 ? gradOut[i] : 0</c> (ReLU backward, from the ReLU output as PyTorch does).</summary>
    public static void ReluBackward(ReadOnlySpan<float> output, ReadOnlySpan<float> gradOut, Span<float> gradIn)
    {
        CheckSameLength(output.Length, gradOut.Length, gradIn.Length);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var o = MemoryMarshal.Cast<float, Vector<float>>(output);
            var g = MemoryMarshal.Cast<float, Vector<float>>(gradOut);
            var d = MemoryMarshal.Cast<float, Vector<float>>(gradIn);
            for (var v = 0; v < o.Length; v++)
            {
                d[v] = Vector.ConditionalSelect(Vector.GreaterThan(o[v], Vector<float>.Zero), g[v], Vector<float>.Zero);
            }

            i = o.Length * Vector<float>.Count;
        }

        for (; i < output.Length; i++)
        {
            gradIn[i] = output[i] > 0 ? gradOut[i] : 0;
        }
    }

    /// <summary>Adds <paramref name="bias"/> (length n) to every row of the m×n matrix <paramref name="matrix"/>.</summary>
    public static void AddRowVector(Span<float> matrix, int rows, ReadOnlySpan<float> bias)
    {
        var n = bias.Length;
        for (var r = 0; r < rows; r++)
        {
            var row = matrix.Slice(r * n, n);
            TensorPrimitives.Add(row, bias, row);
        }
    }

    /// <summary>Copies <paramref name="bias"/> into every row of the m×n matrix <paramref name="matrix"/>.</summary>
    public static void FillRows(Span<float> matrix, int rows, ReadOnlySpan<float> bias)
    {
        var n = bias.Length;
        for (var r = 0; r < rows; r++)
        {
            bias.CopyTo(matrix.Slice(r * n, n));
        }
    }

    /// <summary><c>sums[j] += Σ_r matrix[r, j]</c> for an m×n matrix (bias gradient of a dense layer).</summary>
    public static void AccumulateColumnSums(ReadOnlySpan<float> matrix, int rows, Span<float> sums)
    {
        var n = sums.Length;
        for (var r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(sums, matrix.Slice(r * n, n), sums);
        }
    }

    private static void CheckSameLength(int a, int b, int c)
    {
        if (a != b || a != c)
        {
            throw new ArgumentException($"spans of different lengths: {a}, {b}, {c}");
        }
    }
}
