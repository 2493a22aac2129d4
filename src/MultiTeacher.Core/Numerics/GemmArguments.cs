namespace MultiTeacher.Core.Numerics;

/// <summary>Checks GEMM arguments so that no backend reads or writes outside the spans it was given.</summary>
internal static class GemmArguments
{
    public static void Validate(bool transA, bool transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
        {
            throw new ArgumentException($"GEMM sizes must not be negative: m={m}, n={n}, k={k}");
        }

        Check("A", transA ? k : m, transA ? m : k, aLength, lda);
        Check("B", transB ? n : k, transB ? k : n, bLength, ldb);
        Check("C", m, n, cLength, ldc);
    }

    private static void Check(string name, int rows, int cols, int length, int ld)
    {
        if (rows == 0 || cols == 0)
        {
            return;
        }

        if (ld < cols)
        {
            throw new ArgumentException($"GEMM {name}: leading dimension {ld} is smaller than its {cols} columns");
        }

        var needed = (long)(rows - 1) * ld + cols;
        if (length < needed)
        {
            throw new ArgumentException($"GEMM {name}: a {rows}×{cols} matrix with leading dimension {ld} needs {needed} floats, the span has {length}");
        }
    }
}
