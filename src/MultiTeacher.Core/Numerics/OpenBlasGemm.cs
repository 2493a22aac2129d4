using System.Runtime.InteropServices;

namespace MultiTeacher.Core.Numerics;

/// <summary>
/// <c>cblas_sgemm</c> of OpenBLAS, loaded at run time from <c>libopenblas.so.0</c> (Debian's
/// <c>libopenblas0-pthread</c>). Calls go through unmanaged function pointers: no marshalling, no allocation.
/// </summary>
public sealed unsafe class OpenBlasGemm : IGemm
{
    private const int RowMajor = 101;
    private const int NoTrans = 111;
    private const int Trans = 112;

    private readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;
    private readonly delegate* unmanaged[Cdecl]<int, void> _setThreads;

    private OpenBlasGemm(IntPtr library)
    {
        _sgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)
            NativeLibrary.GetExport(library, "cblas_sgemm");
        _setThreads = NativeLibrary.TryGetExport(library, "openblas_set_num_threads", out var set)
            ? (delegate* unmanaged[Cdecl]<int, void>)set
            : null;
    }

    /// <summary>The library names tried, in order.</summary>
    public static IReadOnlyList<string> LibraryNames { get; } = ["libopenblas.so.0", "libopenblas.so", "openblas"];

    /// <summary>Loads OpenBLAS, or returns null when it is not installed.</summary>
    public static OpenBlasGemm? TryLoad()
    {
        foreach (var name in LibraryNames)
        {
            if (NativeLibrary.TryLoad(name, out var handle) && NativeLibrary.TryGetExport(handle, "cblas_sgemm", out _))
            {
                return new OpenBlasGemm(handle);
            }
        }

        return null;
    }

    /// <inheritdoc />
    public string Name => "openblas";

    /// <summary>Sets the number of threads OpenBLAS uses for every following call.</summary>
    public void SetThreads(int threads)
    {
        if (_setThreads != null)
        {
            _setThreads(Math.Max(1, threads));
        }
    }

    /// <inheritdoc />
    public void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArguments.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            _sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha,
                pa, Math.Max(lda, 1), pb, Math.Max(ldb, 1), beta, pc, Math.Max(ldc, 1));
        }
    }
}
