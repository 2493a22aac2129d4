using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using TorchSharp;

namespace MultiTeacher.Core.Torch;

/// <summary>
/// The one place that loads LibTorch, sets its intra-op threads and holds the device every tensor and module goes to
/// (<c>multiteacher.device</c>: <c>cpu</c>, the default, or <c>cuda</c>).
/// </summary>
public static partial class TorchRuntime
{
    /// <summary>Turns an idle OpenMP worker spins before it sleeps, unless the user set <c>GOMP_SPINCOUNT</c> or <c>OMP_WAIT_POLICY</c>.</summary>
    public const string SpinCount = "2000";

    /// <summary>Blocks at least this large are mapped by glibc's malloc on their own (<c>M_MMAP_THRESHOLD</c>), 64 MiB.</summary>
    public const int MmapThreshold = 64 << 20;

    /// <summary>Free memory glibc keeps at the top of its heap before it gives it back (<c>M_TRIM_THRESHOLD</c>), 256 MiB.</summary>
    public const int TrimThreshold = 256 << 20;

    private static readonly Lock s_lock = new();
    private static bool s_loaded;
    private static string s_deviceName = "cpu";
    private static torch.Device? s_device;

    /// <summary>
    /// Loads LibTorch, or throws <see cref="TorchUnavailableException"/> naming the library and the version that is
    /// missing (rather than TorchSharp's own message, which blames a missing package even when a system library is too
    /// old).
    /// </summary>
    public static void EnsureLoaded()
    {
        lock (s_lock)
        {
            if (s_loaded)
            {
                return;
            }

            TuneNativeLibraries();
            Probe();
            MklOnAmd.Apply(s_amd, s_mklInstructions);
            try
            {
                _ = torch.get_num_threads();
            }
            catch (TypeInitializationException e)
            {
                throw new TorchUnavailableException($"LibTorch could not be initialised: {(e.InnerException ?? e).Message.Split('\n')[0]}", e);
            }

            OneDnnCheck.Apply();

            s_loaded = true;
        }
    }

    /// <summary>The device name in use: <c>cpu</c> or <c>cuda</c>.</summary>
    public static string DeviceName
    {
        get
        {
            lock (s_lock)
            {
                return s_deviceName;
            }
        }
    }

    /// <summary>The device every model and tensor is placed on.</summary>
    public static torch.Device Device
    {
        get
        {
            EnsureLoaded();
            lock (s_lock)
            {
                return s_device ??= new torch.Device(s_deviceName);
            }
        }
    }

    /// <summary>Intra-op threads of LibTorch (<c>torch.set_num_threads</c>).</summary>
    public static int Threads
    {
        get
        {
            EnsureLoaded();
            return torch.get_num_threads();
        }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            EnsureLoaded();
            torch.set_num_threads(value);
        }
    }

    /// <summary>Chooses the device: <c>cpu</c>, or <c>cuda</c> (refused, saying why, when CUDA is not available).</summary>
    public static void UseDevice(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var normalized = name.Trim().ToLowerInvariant();
        if (normalized is not ("cpu" or "cuda"))
        {
            throw new ArgumentException($"multiteacher.device = '{name}': expected cpu or cuda");
        }

        EnsureLoaded();
        if (normalized == "cuda" && !torch.cuda.is_available())
        {
            throw new TorchUnavailableException(
                "multiteacher.device = cuda, but CUDA is not available: this build runs LibTorch for the CPU (TorchSharp-cpu) " +
                "or the machine has no usable GPU; use multiteacher.device = cpu");
        }

        lock (s_lock)
        {
            s_deviceName = normalized;
            s_device = new torch.Device(normalized);
        }
    }

    /// <summary>
    /// What TorchSharp and LibTorch this is, for reports: for example <c>TorchSharp 0.107.0, LibTorch 2.10.0</c>, and
    /// <c>MKL on AMD: AVX512 kernels</c> where <see cref="MklOnAmd"/> applied.
    /// </summary>
    public static string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)}, LibTorch {torch.__version__.TrimEnd('0').TrimEnd('.')}")
        + (MklOnAmd.Applied is { } mkl ? ", " + mkl : "");

    /// <summary>
    /// Three settings of LibTorch's native libraries, made before LibTorch is loaded (the first and the last in the native
    /// environment: .NET's own environment block is not what they read), each only when the user has not chosen:
    /// <list type="bullet">
    /// <item>OpenMP workers spin for a long while (libgomp: 300,000 turns) when they wait for work; on a machine whose
    /// cores are busy with other processes (a shared 2-core box, test projects running side by side) the spinning
    /// threads take the cores from the working ones and training got ten times slower here. Sleeping at once instead
    /// (<c>OMP_WAIT_POLICY=PASSIVE</c>) halves the cnn's inference on a quiet machine, since every parallel region then
    /// wakes its workers. A short spin, <c>GOMP_SPINCOUNT=2000</c>, kept both: within 1% of sleeping under load, and
    /// 10–100% faster than it on a quiet machine.</item>
    /// <item>LibTorch allocates every tensor with glibc's malloc, which maps a block above 128 KiB (up to 32 MiB as it
    /// adapts) straight from the kernel and gives the top of its heap back once more than twice that lies free. A
    /// training step frees all its temporaries at its end, so the next step faulted every page of them in again, zeroed by
    /// the kernel: the mlp-1200 teacher's Adam step took 11.6 ms instead of 6 ms on one thread, a fifth of its time in
    /// the kernel. Blocks up to <see cref="MmapThreshold"/> now come from the heap and up to <see cref="TrimThreshold"/>
    /// of free heap is kept for the next step (<c>mallopt</c>, unless <c>GLIBC_TUNABLES</c> or <c>MALLOC_MMAP_THRESHOLD_</c>
    /// or <c>MALLOC_TRIM_THRESHOLD_</c> are set). Freed memory is reused, so a run's resident size stays flat at its peak.</item>
    /// <item>The MKL inside LibTorch runs its slow generic kernels on AMD processors; on one with AVX2 it is allowed
    /// its AVX2 kernels (<c>MKL_ENABLE_INSTRUCTIONS=AVX2</c>; a 1200×1200 layer ran 1.7 times faster on a Zen 4), on a
    /// Zen 5 or later with AVX-512 (F, DQ, BW, VL) its AVX-512 kernels, and it is told the processor is Intel, without
    /// which it did not listen on a Zen 5 (<see cref="MklOnAmd"/>; there AVX-512 ran mlp-1200 inference 2.5 times as
    /// fast as AVX2, which was no faster than the generic kernels). Intel processors keep MKL's own choice.</item>
    /// </list>
    /// </summary>
    private static void TuneNativeLibraries()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null && Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is null)
        {
            _ = SetEnvironment("GOMP_SPINCOUNT", SpinCount, 0);
        }

        if (Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is null && Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is null
            && Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is null)
        {
            KeepFreedMemory();
        }

        var (amd, family, flags) = Processor();
        s_amd = amd;
        s_mklInstructions = Environment.GetEnvironmentVariable("MKL_ENABLE_INSTRUCTIONS");
        if (s_mklInstructions is null && amd && flags.Contains("avx2") && flags.Contains("fma"))
        {
            // Zen 5 (family 26) runs AVX-512 at full width; Zen 4 splits it in two halves and ran MKL's AVX-512 path 30% slower.
            var avx512 = family >= 26 && new[] { "avx512f", "avx512dq", "avx512bw", "avx512vl" }.All(flags.Contains);
            s_mklInstructions = avx512 ? "AVX512" : "AVX2";
            _ = SetEnvironment("MKL_ENABLE_INSTRUCTIONS", s_mklInstructions, 0);
        }
    }

    private static bool s_amd;
    private static string? s_mklInstructions; // what MKL is allowed: the user's MKL_ENABLE_INSTRUCTIONS or ours

    private static (bool Amd, int Family, string[] Flags) Processor()
    {
        try
        {
            var lines = File.ReadLines("/proc/cpuinfo").Take(64).ToList();
            string Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "";
            var family = int.TryParse(Field("cpu family"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var f) ? f : 0;
            return (Field("vendor_id") == "AuthenticAMD", family, Field("flags").Split(' '));
        }
        catch (IOException)
        {
            return (false, 0, []);
        }
    }

    /// <summary>Whether glibc's malloc was told to keep freed tensor memory (see <see cref="TuneNativeLibraries"/>).</summary>
    public static bool KeepsFreedMemory { get; private set; }

    private static void KeepFreedMemory()
    {
        const int mTrimThreshold = -1, mMmapThreshold = -3;
        try
        {
            // mallopt answers 1 on success; on a C library other than glibc the entry point may be missing.
            KeepsFreedMemory = MallocOption(mMmapThreshold, MmapThreshold) == 1 && MallocOption(mTrimThreshold, TrimThreshold) == 1;
        }
        catch (EntryPointNotFoundException)
        {
            KeepsFreedMemory = false;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallocOption(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironment(string name, string value, int overwrite);

    private static void Probe()
    {
        var directory = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? AppContext.BaseDirectory;
        var candidates = new[]
        {
            Path.Combine(directory, "libLibTorchSharp.so"),
            Path.Combine(directory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"),
        };
        var library = candidates.FirstOrDefault(File.Exists);
        if (library is null || !OperatingSystem.IsLinux())
        {
            return; // not a Linux build output: TorchSharp's own loader decides
        }

        try
        {
            NativeLibrary.Load(library);
        }
        catch (DllNotFoundException e)
        {
            throw new TorchUnavailableException(Explain(library, e.Message), e);
        }
    }

    /// <summary>Turns the dynamic loader's message into one line that names what is missing.</summary>
    internal static string Explain(string library, string loaderMessage)
    {
        var version = MissingVersion().Match(loaderMessage);
        if (version.Success)
        {
            var provider = Path.GetFileName(version.Groups["provider"].Value);
            var patched = version.Groups["version"].Value == "GLIBCXX_3.4.32"
                ? " The build marks that need weak in its copy (Directory.Build.targets); rebuild with ./mt build, or install a libstdc++ of GCC 13 or newer."
                : "";
            return $"LibTorch cannot be loaded: {Path.GetFileName(version.Groups["requirer"].Value)} needs {version.Groups["version"].Value} " +
                $"of {provider}, and this system's {provider} does not have it.{patched}";
        }

        var missing = MissingFile().Match(loaderMessage);
        if (missing.Success)
        {
            return $"LibTorch cannot be loaded: {missing.Groups["file"].Value} is missing (needed by {Path.GetFileName(library)}); " +
                "rebuild with ./mt build so the TorchSharp-cpu natives are copied beside it.";
        }

        return $"LibTorch cannot be loaded from {library}: {loaderMessage.Split('\n')[0]}";
    }

    [GeneratedRegex(@"(?<provider>\S+): version `(?<version>[^']+)' not found \(required by (?<requirer>[^)]+)\)")]
    private static partial Regex MissingVersion();

    [GeneratedRegex(@"(?<file>lib[\w.+-]+\.so[\w.]*): cannot open shared object file")]
    private static partial Regex MissingFile();
}
