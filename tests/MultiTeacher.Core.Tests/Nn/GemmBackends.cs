using MultiTeacher.Core.Numerics;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>
/// The GEMM backends golden tests run on. Each test selects its backend with <see cref="Gemm.UseInScope"/>, which
/// affects only that test's code, so these tests run in parallel with every other test.
/// </summary>
internal static class GemmBackends
{
    /// <summary>OpenBLAS; the managed backend with one thread; the managed backend with two threads (its parallel path).</summary>
    public static TheoryData<string> Names => new() { "openblas", "managed", "managed-2threads" };

    public static IGemm Get(string name) => name switch
    {
        "openblas" => Gemm.OpenBlas ?? throw new InvalidOperationException(
            "OpenBLAS could not be loaded (libopenblas.so.0); install libopenblas0-pthread (./mt test does) or unset MT_GEMM=managed"),
        "managed" => new ManagedGemm(1),
        "managed-2threads" => new ManagedGemm(2),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown backend"),
    };

    /// <summary>Runs the calling test on backend <paramref name="name"/> until disposed.</summary>
    public static IDisposable Use(string name) => Gemm.UseInScope(Get(name));
}
