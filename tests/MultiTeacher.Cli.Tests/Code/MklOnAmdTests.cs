using System.Globalization;

namespace MultiTeacher.Cli.Tests.Code;

/// <summary>
/// The MKL inside LibTorch runs its vector kernels on AMD processors (MklOnAmd), as its first MKL_VERBOSE line tells:
/// on an AMD EPYC Zen 5 without the change it said "Intel(R) Architecture processors" (its generic kernels), with it
/// "Intel(R) Advanced Vector Extensions 512 (Intel(R) AVX-512) enabled processors". Elsewhere nothing changes.
/// </summary>
public sealed class MklOnAmdTests
{
    private const string Generic = "Intel(R) Architecture processors";

    [Fact]
    public async Task BenchNn_OnThisProcessor_MklRunsTheKernelsTheProcessorHas()
    {
        var cpuinfo = File.ReadLines("/proc/cpuinfo").Take(64).ToList();
        var amd = cpuinfo.Any(l => l.StartsWith("vendor_id", StringComparison.Ordinal) && l.Contains("AuthenticAMD", StringComparison.Ordinal));
        // AVX-512 from Zen 5 (family 26) on, which runs it at full width; AVX2 before.
        var avx512 = cpuinfo.Any(l => l.StartsWith("flags", StringComparison.Ordinal) && l.Contains(" avx512f ", StringComparison.Ordinal))
            && cpuinfo.Any(l => l.StartsWith("cpu family", StringComparison.Ordinal) && int.Parse(l.Split(':')[1], CultureInfo.InvariantCulture) >= 26);
        string[] args = ["bench", "nn", "--json", "--model", "mlp:784-64-10", "--seconds", "0.1", "--rounds", "1", "--threads", "1"];

        var (code, output, error) = await MtProcess.RunAsync(args, new Dictionary<string, string> { ["MKL_VERBOSE"] = "1" });

        Assert.True(code == 0, error);
        var kernels = output.Split('\n').First(l => l.StartsWith("MKL_VERBOSE oneMKL", StringComparison.Ordinal));
        var json = output.Split('\n').Single(l => l.StartsWith('{'));
        if (!amd || !cpuinfo.Any(l => l.StartsWith("flags", StringComparison.Ordinal) && l.Contains(" avx2 ", StringComparison.Ordinal)))
        {
            // Not AMD, or an AMD processor without AVX2: MKL is left to its own choice.
            Assert.DoesNotContain(amd ? "MKL on AMD: AVX" : "MKL on AMD", json, StringComparison.Ordinal);
            return;
        }

        Assert.DoesNotContain(Generic, kernels, StringComparison.Ordinal);
        Assert.Contains(avx512 ? "(Intel(R) AVX-512)" : "(Intel(R) AVX2)", kernels, StringComparison.Ordinal);
        Assert.Contains(avx512 ? "MKL on AMD: AVX512 kernels" : "MKL on AMD: AVX2 kernels", json, StringComparison.Ordinal);
    }
}
