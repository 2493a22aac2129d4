namespace MultiTeacher.Core.Numerics;

/// <summary>
/// The GEMM every layer uses. OpenBLAS when <c>libopenblas.so.0</c> loads, the managed SIMD backend otherwise;
/// <c>MT_GEMM=managed</c> forces the managed one. <see cref="Threads"/> sets the thread count of both.
/// </summary>
public static class Gemm
{
    private static readonly OpenBlasGemm? s_openBlas = Environment.GetEnvironmentVariable("MT_GEMM") == "managed" ? null : OpenBlasGemm.TryLoad();
    private static readonly ManagedGemm s_managed = new(1);
    private static readonly AsyncLocal<IGemm?> s_scoped = new();
    private static IGemm s_current;
    private static int s_threads = 1;

    static Gemm()
    {
        s_current = s_openBlas is null ? s_managed : s_openBlas;
        Threads = 1;
    }

    /// <summary>The backend in use: the one of an enclosing <see cref="UseInScope"/>, else the process-wide choice.</summary>
    public static IGemm Current => s_scoped.Value ?? s_current;

    /// <summary>OpenBLAS, or null when it could not be loaded.</summary>
    public static OpenBlasGemm? OpenBlas => s_openBlas;

    /// <summary>The managed SIMD backend (always available).</summary>
    public static ManagedGemm Managed => s_managed;

    /// <summary>Threads used by GEMM (and by the managed backend's parallel loops).</summary>
    public static int Threads
    {
        get => s_threads;
        set
        {
            s_threads = Math.Max(1, value);
            s_managed.Threads = s_threads;
            s_openBlas?.SetThreads(s_threads);
        }
    }

    /// <summary>Chooses the backend: <c>openblas</c> (fails when not installed) or <c>managed</c>.</summary>
    public static void Use(string backend)
    {
        s_current = backend switch
        {
            "openblas" => s_openBlas ?? throw new InvalidOperationException(
                $"OpenBLAS is not available: none of {string.Join(", ", OpenBlasGemm.LibraryNames)} could be loaded; install it with 'apt-get install libopenblas0-pthread'"),
            "managed" => s_managed,
            _ => throw new ArgumentException($"unknown GEMM backend '{backend}'; expected 'openblas' or 'managed'"),
        };
    }

    /// <summary>
    /// Makes <paramref name="backend"/> the backend of the calling code (this thread and the tasks it starts, an
    /// <see cref="AsyncLocal{T}"/>) until the returned scope is disposed, without touching the process-wide choice of
    /// <see cref="Use"/>. Tests use it to run the same layer on OpenBLAS and on the managed backend while other tests
    /// run in parallel.
    /// </summary>
    public static IDisposable UseInScope(IGemm backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var previous = s_scoped.Value;
        s_scoped.Value = backend;
        return new Scope(previous);
    }

    /// <summary><c>C = alpha·op(A)·op(B) + beta·C</c> on the current backend (see <see cref="IGemm"/>).</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc) =>
        Current.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    private sealed class Scope(IGemm? previous) : IDisposable
    {
        public void Dispose() => s_scoped.Value = previous;
    }
}
