using System.Runtime.InteropServices;

namespace MultiTeacher.Core.Torch;

/// <summary>
/// Lets the MKL inside LibTorch (oneMKL 2024.0) use its vector kernels on AMD processors. MKL picks kernels by vendor:
/// on an AMD processor it runs its generic kernels ("Intel(R) Architecture processors" in <c>MKL_VERBOSE=1</c>'s first
/// line) whatever <c>MKL_ENABLE_INSTRUCTIONS</c> allows; on an AMD EPYC Zen 5 that made mlp:784-1200-1200-10 inference
/// on one thread 3.7 times slower than PyTorch on OpenBLAS. MKL keeps its answer to "is this an Intel processor?" in one
/// int that the exported <c>mkl_serv_intel_cpu_true</c> reads first (<c>mov eax, [rip + cache]; test eax, eax; js</c>,
/// negative until asked). Setting it to 1 before MKL's first call makes MKL take the kernels that
/// <c>MKL_ENABLE_INSTRUCTIONS</c> allows (<see cref="TorchRuntime"/> sets it on AMD). Done only on AMD x86-64 Linux where
/// the function starts with exactly those instructions; <c>MT_MKL_AMD=off</c> keeps MKL's own choice.
/// </summary>
public static class MklOnAmd
{
    /// <summary>What was done, for reports: null when nothing was (not AMD, turned off, or an unexpected MKL).</summary>
    public static string? Applied { get; private set; }

    /// <summary>Sets MKL's cached vendor answer (libtorch_cpu.so must be loaded, MKL not yet used).</summary>
    internal static unsafe void Apply(bool amd, string? instructions)
    {
        if (!amd || !OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64
            || Environment.GetEnvironmentVariable("MT_MKL_AMD")?.Trim().ToLowerInvariant() == "off")
        {
            return;
        }

        var library = LoadedLibraries.Find("libtorch_cpu.so");
        if (library == IntPtr.Zero || !NativeLibrary.TryGetExport(library, "mkl_serv_intel_cpu_true", out var function))
        {
            return;
        }

        var code = (byte*)function;
        // 8B 05 disp32: mov eax, [rip + disp32]; then 85 C0: test eax, eax; then 78: js (ask the CPU when negative).
        if (code[0] != 0x8B || code[1] != 0x05 || code[6] != 0x85 || code[7] != 0xC0 || code[8] != 0x78)
        {
            return;
        }

        var cache = (int*)(code + 6 + *(int*)(code + 2));
        if (*cache > 0)
        {
            return; // MKL already said Intel
        }

        *cache = 1;
        Applied = $"MKL on AMD: {instructions ?? "its default"} kernels";
    }
}
