namespace MultiTeacher.Core.Numerics;

/// <summary>The plain triple loop, accumulating in double: the reference the fast backends are tested against.</summary>
public sealed class ReferenceGemm : IGemm
{
    /// <summary>The one instance.</summary>
    public static readonly ReferenceGemm Instance = new();

    /// <inheritdoc />
    public string Name => "reference";

    /// <inheritdoc />
    public void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArguments.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = 0;
                for (var p = 0; p < k; p++)
                {
                    var av = transA ? a[p * lda + i] : a[i * lda + p];
                    var bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)av * bv;
                }

                var previous = beta == 0 ? 0 : beta * c[i * ldc + j];
                c[i * ldc + j] = (float)(alpha * sum + previous);
            }
        }
    }
}
