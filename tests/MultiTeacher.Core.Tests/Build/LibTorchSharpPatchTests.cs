using MultiTeacher.Build;
using MultiTeacher.Core.Tests.Data;

namespace MultiTeacher.Core.Tests.Build;

/// <summary>The build step that makes LibTorchSharp load on a libstdc++ without GLIBCXX_3.4.32 (build/LibTorchSharpPatch.cs).</summary>
public sealed class LibTorchSharpPatchTests
{
    private const string Version = "GLIBCXX_3.4.32";

    private static string Original => Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void MarkWeak_PackagedLibrary_SetsTheWeakFlagOfThatNeedOnly()
    {
        var bytes = File.ReadAllBytes(Original);
        var before = (byte[])bytes.Clone();

        Assert.Equal(MarkWeakResult.Patched, ElfVersionNeeds.MarkWeak(bytes, Version));

        var changed = Enumerable.Range(0, bytes.Length).Where(i => bytes[i] != before[i]).ToList();
        var only = Assert.Single(changed);
        Assert.Equal(before[only] | ElfVersionNeeds.VerFlgWeak, bytes[only]);
        Assert.Equal(MarkWeakResult.AlreadyWeak, ElfVersionNeeds.MarkWeak(bytes, Version));
        Assert.Equal(MarkWeakResult.NotRequired, ElfVersionNeeds.MarkWeak(bytes, "GLIBCXX_9.9.99"));
    }

    [Fact]
    public void MarkWeak_NotAnElfFile_Refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.MarkWeak(new byte[100], Version));
        Assert.Contains("not an ELF file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PatchFile_HardLinkedCopy_IsReplacedAndTheLinkedFileIsUntouched()
    {
        using var dir = new TempDirectory();
        var cache = Path.Combine(dir.Path, "cache.so");
        var output = Path.Combine(dir.Path, "libLibTorchSharp.so");
        File.Copy(Original, cache);
        using (var ln = System.Diagnostics.Process.Start("ln", [cache, output]))
        {
            ln.WaitForExit();
            Assert.Equal(0, ln.ExitCode);
        }

        var stamp = File.GetLastWriteTimeUtc(cache);

        Assert.Equal(MarkWeakResult.Patched, ElfVersionNeeds.PatchFile(output, Version));

        Assert.Equal(File.ReadAllBytes(Original), File.ReadAllBytes(cache));
        Assert.Equal(MarkWeakResult.AlreadyWeak, ElfVersionNeeds.MarkWeak(File.ReadAllBytes(output), Version));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(output));
        Assert.Equal(MarkWeakResult.AlreadyWeak, ElfVersionNeeds.PatchFile(output, Version));
    }

    [Fact]
    public void BuildOutput_LibTorchSharp_IsPatchedWhereTheSystemLacksTheVersion()
    {
        var libstdcxx = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6" }.FirstOrDefault(File.Exists);
        var copy = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        Assert.True(File.Exists(copy), $"no {copy}");
        var expected = libstdcxx is not null && !ElfVersionNeeds.Names(File.ReadAllBytes(libstdcxx), Version)
            ? MarkWeakResult.AlreadyWeak
            : MarkWeakResult.Patched;
        Assert.Equal(expected, ElfVersionNeeds.MarkWeak(File.ReadAllBytes(copy), Version));
    }
}
