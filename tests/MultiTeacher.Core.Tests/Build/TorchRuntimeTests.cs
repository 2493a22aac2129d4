using MultiTeacher.Core.Torch;

namespace MultiTeacher.Core.Tests.Build;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void Explain_MissingSymbolVersion_NamesLibraryVersionAndProvider()
    {
        const string loader = "Unable to load shared library '/x/libLibTorchSharp.so' or one of its dependencies.\n" +
            "/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by /x/libLibTorchSharp.so)";

        var message = TorchRuntime.Explain("/x/libLibTorchSharp.so", loader);

        Assert.StartsWith("LibTorch cannot be loaded: libLibTorchSharp.so needs GLIBCXX_3.4.32 of libstdc++.so.6", message, StringComparison.Ordinal);
        Assert.DoesNotContain("NotSupportedException", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_MissingFile_NamesIt()
    {
        var message = TorchRuntime.Explain("/x/libLibTorchSharp.so", "libtorch_cpu.so: cannot open shared object file: No such file or directory");

        Assert.Contains("libtorch_cpu.so is missing", message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseDevice_Cuda_WithoutCuda_IsAClearError()
    {
        var error = Assert.Throws<TorchUnavailableException>(() => TorchRuntime.UseDevice("cuda"));
        Assert.Contains("CUDA is not available", error.Message, StringComparison.Ordinal);
        Assert.Equal("cpu", TorchRuntime.DeviceName);
        Assert.Throws<ArgumentException>(() => TorchRuntime.UseDevice("tpu"));
    }

    [Fact]
    public void EnsureLoaded_OnGlibc_KeepsFreedTensorMemory()
    {
        TorchRuntime.EnsureLoaded();
        var userTuned = Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is not null
            || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null;
        if (!OperatingSystem.IsLinux() || userTuned)
        {
            return; // glibc's malloc is tuned only on Linux, and only when the user has not tuned it
        }

        Assert.True(TorchRuntime.KeepsFreedMemory);
    }
}
