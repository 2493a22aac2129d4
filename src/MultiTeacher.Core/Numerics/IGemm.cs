namespace MultiTeacher.Core.Numerics;

/// <summary>
/// Single-precision matrix multiply on row-major matrices: <c>C = alpha·op(A)·op(B) + beta·C</c>, where op(A) is
/// m×k, op(B) is k×n and C is m×n; <c>op(X)</c> is X or its transpose. Leading dimensions are row strides.
/// </summary>
public interface IGemm
{
    /// <summary>Short name reported by benchmarks, for example <c>openblas</c> or <c>managed-avx2</c>.</summary>
    string Name { get; }

    /// <summary>Computes <c>C = alpha·op(A)·op(B) + beta·C</c>. When beta is 0, C is overwritten (NaNs in C do not propagate).</summary>
    void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc);
}
