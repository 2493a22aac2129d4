using System.Runtime.InteropServices;

namespace MultiTeacher.Core.Torch;

/// <summary>
/// Limits the intra-op threads of LibTorch's work on the calling thread only, for a while: the OpenMP team size of
/// ATen's parallel loops and the thread count of MKL's GEMMs are both thread-local settings (<c>omp_set_num_threads</c>,
/// <c>mkl_set_num_threads_local</c>), so another thread's work, and <see cref="TorchRuntime.Threads"/>, stay as they are.
/// <c>torch.set_num_threads</c> would not do: it changes the process-wide default and rebuilds LibTorch's thread pool.
/// </summary>
/// <remarks>
/// Why: a step of a small model is a string of short ops. With two threads each op over more than 32,768 elements, each
/// log-softmax and each GEMM forks and joins a team whose worker has mostly gone to sleep (GOMP_SPINCOUNT) and must be
/// woken, which costs more than the op saves, and far more when the other core is busy (an actor, another process).
/// </remarks>
public readonly struct IntraOpThreads : IDisposable
{
    private readonly int _previousOmp;
    private readonly int _previousMkl;
    private readonly bool _changed;

    private IntraOpThreads(int previousOmp, int previousMkl)
    {
        _previousOmp = previousOmp;
        _previousMkl = previousMkl;
        _changed = true;
    }

    /// <summary>
    /// Until disposed, this thread's torch ops use at most <paramref name="threads"/> threads (nothing changes where that
    /// is already so, or where LibTorch's OpenMP and MKL entry points are not found).
    /// </summary>
    public static IntraOpThreads AtMost(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var entries = Native.Entries;
        if (entries is null)
        {
            return default;
        }

        // LibTorch sets a thread's OpenMP team size from its process-wide default at the thread's first parallel op;
        // asking for the thread count makes that happen now, so it cannot undo the limit inside the scope.
        _ = TorchSharp.torch.get_num_threads();
        var current = entries.OmpGetMaxThreads();
        if (current <= threads)
        {
            return default;
        }

        entries.OmpSetNumThreads(threads);
        var previousMkl = entries.MklSetNumThreadsLocal(threads);
        return new IntraOpThreads(current, previousMkl);
    }

    /// <summary>Puts this thread's previous settings back.</summary>
    public void Dispose()
    {
        if (!_changed || Native.Entries is not { } entries)
        {
            return;
        }

        entries.OmpSetNumThreads(_previousOmp);
        // 0 restores "no thread-local setting": MKL then follows its process-wide one.
        _ = entries.MklSetNumThreadsLocal(_previousMkl);
    }

    private static class Native
    {
        public static readonly NativeEntries? Entries = NativeEntries.Find();
    }

    private sealed unsafe class NativeEntries
    {
        private readonly delegate* unmanaged<int> _ompGetMaxThreads;
        private readonly delegate* unmanaged<int, void> _ompSetNumThreads;
        private readonly delegate* unmanaged<int, int> _mklSetNumThreadsLocal;

        private NativeEntries(IntPtr ompGet, IntPtr ompSet, IntPtr mklSet)
        {
            _ompGetMaxThreads = (delegate* unmanaged<int>)ompGet;
            _ompSetNumThreads = (delegate* unmanaged<int, void>)ompSet;
            _mklSetNumThreadsLocal = (delegate* unmanaged<int, int>)mklSet;
        }

        public int OmpGetMaxThreads() => _ompGetMaxThreads();

        public void OmpSetNumThreads(int threads) => _ompSetNumThreads(threads);

        public int MklSetNumThreadsLocal(int threads) => _mklSetNumThreadsLocal(threads);

        /// <summary>
        /// The entry points as libtorch_cpu sees them: looked up through its handle, so the OpenMP runtime is the one it
        /// loaded (TorchSharp ships its own libgomp under a hashed name) and MKL is the copy linked into it. MKL's C entry
        /// point is <c>MKL_Set_Num_Threads_Local</c>; its lower-case names are the Fortran ones, which take a pointer.
        /// </summary>
        public static NativeEntries? Find()
        {
            TorchRuntime.EnsureLoaded();
            var directory = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location) ?? AppContext.BaseDirectory;
            string[] candidates = [Path.Combine(directory, "libtorch_cpu.so"), Path.Combine(directory, "runtimes", "linux-x64", "native", "libtorch_cpu.so")];
            var library = candidates.FirstOrDefault(File.Exists);
            if (library is null || !NativeLibrary.TryLoad(library, out var handle))
            {
                return null;
            }

            return NativeLibrary.TryGetExport(handle, "omp_get_max_threads", out var ompGet)
                && NativeLibrary.TryGetExport(handle, "omp_set_num_threads", out var ompSet)
                && NativeLibrary.TryGetExport(handle, "MKL_Set_Num_Threads_Local", out var mklSet)
                ? new NativeEntries(ompGet, ompSet, mklSet)
                : null;
        }
    }
}
