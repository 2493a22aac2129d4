using MultiTeacher.Core.Numerics;
using static MultiTeacher.Core.Tests.Nn.Close;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>Runs apart from other tests: the two-thread cases change OpenBLAS's process-wide thread count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GemmThreadsCollection
{
    public const string Name = "GEMM thread count";
}

/// <summary>
/// OpenBLAS and the managed backend against <see cref="ReferenceGemm"/> (double accumulation) for every transpose
/// combination, odd sizes on both sides of the managed kernel's blocks (6×16 tiles, 96-row and 256-deep panels),
/// leading dimensions larger than the columns, several alpha and beta, and one and two threads. Elements outside the
/// m×n window of C must stay untouched.
/// </summary>
[Collection(GemmThreadsCollection.Name)]
public sealed class GemmTests
{
    private const int Pad = 3;

    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 1, 1, 1 },
        { 1, 7, 17 },
        { 7, 1, 33 },
        { 17, 33, 1 },
        { 7, 17, 33 },
        { 33, 17, 7 },
        { 6, 16, 256 },
        { 97, 101, 257 },
        { 130, 33, 300 },
        { 200, 131, 90 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Sgemm_AllTransposesAlphasBetasAndThreads_MatchReference(int m, int n, int k)
    {
        var backends = Backends();
        try
        {
            foreach (var transA in new[] { false, true })
            {
                foreach (var transB in new[] { false, true })
                {
                    foreach (var (alpha, beta) in new[] { (1f, 0f), (1f, 1f), (0.75f, -0.5f), (-2f, 0f) })
                    {
                        CheckCase(backends, transA, transB, m, n, k, alpha, beta);
                    }
                }
            }
        }
        finally
        {
            Gemm.OpenBlas?.SetThreads(Gemm.Threads);
        }
    }

    [Fact]
    public void Sgemm_BetaZero_IgnoresNaNInC()
    {
        foreach (var (name, backend, threads) in Backends())
        {
            Gemm.OpenBlas?.SetThreads(threads);
            var a = new float[] { 1, 2, 3, 4 };
            var c = new float[] { float.NaN, float.NaN, float.NaN, float.NaN };
            backend.Sgemm(false, false, 2, 2, 2, 1f, a, 2, a, 2, 0f, c, 2);
            Assert.True(c.All(float.IsFinite), $"{name}: {string.Join(", ", c)}");
        }

        Gemm.OpenBlas?.SetThreads(Gemm.Threads);
    }

    [Fact]
    public void Sgemm_KZero_ScalesCByBeta()
    {
        foreach (var (name, backend, _) in Backends())
        {
            var c = new float[] { 1, 2, 3, 4 };
            backend.Sgemm(false, false, 2, 2, 0, 1f, [], 1, [], 2, 0.5f, c, 2);
            AssertClose(c, [0.5f, 1f, 1.5f, 2f], 0, 0, $"{name}: k = 0");
        }
    }

    [Fact]
    public void Sgemm_SpanTooShort_ThrowsNamingTheMatrix()
    {
        foreach (var (_, backend, _) in Backends())
        {
            var error = Assert.Throws<ArgumentException>(() =>
                backend.Sgemm(false, false, 3, 3, 3, 1f, new float[8], 3, new float[9], 3, 0f, new float[9], 3));
            Assert.Contains("GEMM A", error.Message, StringComparison.Ordinal);
        }
    }

    private static List<(string Name, IGemm Backend, int Threads)> Backends()
    {
        var openBlas = Gemm.OpenBlas ?? throw new InvalidOperationException(
            "OpenBLAS could not be loaded (libopenblas.so.0); install libopenblas0-pthread (./mt test does) or unset MT_GEMM=managed");
        return
        [
            ("openblas, 1 thread", openBlas, 1),
            ("openblas, 2 threads", openBlas, 2),
            ("managed, 1 thread", new ManagedGemm(1), 1),
            ("managed, 2 threads", new ManagedGemm(2), 2),
        ];
    }

    private static void CheckCase(List<(string Name, IGemm Backend, int Threads)> backends, bool transA, bool transB,
        int m, int n, int k, float alpha, float beta)
    {
        // Stored matrices: A is (transA ? k×m : m×k), B is (transB ? n×k : k×n), each row padded by Pad floats.
        var (aRows, aCols) = transA ? (k, m) : (m, k);
        var (bRows, bCols) = transB ? (n, k) : (k, n);
        var (lda, ldb, ldc) = (aCols + Pad, bCols + Pad, n + Pad);
        var rng = new Rng((ulong)(m * 1_000_003 + n * 1009 + k));
        var a = Random(rng, aRows * lda);
        var b = Random(rng, bRows * ldb);
        var c0 = Random(rng, m * ldc);

        var expected = (float[])c0.Clone();
        ReferenceGemm.Instance.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, expected, ldc);

        // A float32 sum of k products of numbers in [-1, 1) is within about k·2⁻²⁴·Σ|a·b| of the exact sum.
        var atol = 4e-7 * k * Math.Abs(alpha) + 1e-6;
        foreach (var (name, backend, threads) in backends)
        {
            Gemm.OpenBlas?.SetThreads(threads);
            var actual = (float[])c0.Clone();
            backend.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, actual, ldc);
            var label = $"{name}: transA={transA} transB={transB} m={m} n={n} k={k} alpha={alpha} beta={beta}";
            AssertClose(actual, expected, atol, 1e-5, label, [m, ldc]);
            for (var i = 0; i < m; i++)
            {
                // The padding of each row of C is not part of the product.
                Assert.True(actual.AsSpan(i * ldc + n, Pad).SequenceEqual(c0.AsSpan(i * ldc + n, Pad)), $"{label}: wrote outside row {i}");
            }
        }
    }

    private static float[] Random(Rng rng, int length)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = rng.NextUniform(-1f, 1f);
        }

        return values;
    }
}
