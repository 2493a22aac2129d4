using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace MultiTeacher.Cli.Bench;

/// <summary>
/// Runs <c>tests/pytorch/bench_nn.py</c> with Debian's python3-torch and reads its JSON lines. Debian's OpenBLAS 0.3.21
/// takes some current CPUs for old ones and runs slow kernels; the script gets OpenBLAS's best kernel for this CPU
/// (<c>OPENBLAS_CORETYPE</c>: SkylakeX with AVX-512, Haswell with AVX2), checks a product against float64 and reports the
/// kernel it ran, and its OpenMP workers wait as ours do (<c>GOMP_SPINCOUNT</c>), so the comparison is fair.
/// </summary>
internal static class PyTorchBench
{
    public const string Python = "/usr/bin/python3";

    public static (Dictionary<string, (double Infer, double Train)> Figures, string Kernel) Run(IReadOnlyList<string> models, double seconds, int threads)
    {
        var script = Path.Combine(RepositoryRoot.Find(), "tests", "pytorch", "bench_nn.py");
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { script, "--seconds", seconds.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture), "--models" }.Concat(models))
        {
            start.ArgumentList.Add(argument);
        }

        if (BestOpenBlasCore() is { } core)
        {
            start.Environment["OPENBLAS_CORETYPE"] = core;
        }

        start.Environment.Remove("OPENBLAS_L2_SIZE");
        // The same OpenMP waiting as ours (TorchRuntime): long-spinning workers on a busy machine would slow PyTorch tenfold.
        if (!start.Environment.ContainsKey("OMP_WAIT_POLICY") && !start.Environment.ContainsKey("GOMP_SPINCOUNT"))
        {
            start.Environment["GOMP_SPINCOUNT"] = Core.Torch.TorchRuntime.SpinCount;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Python}");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{script} failed (exit {process.ExitCode}); it needs Debian's python3-torch (apt-get install python3-torch): {error.Result.Trim()}");
        }

        var results = new Dictionary<string, (double, double)>();
        var kernel = "?";
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            results[root.GetProperty("model").GetString()!] =
                (root.GetProperty("infer_samples_per_s").GetDouble(), root.GetProperty("train_samples_per_s").GetDouble());
            kernel = root.GetProperty("gemm").GetString() ?? kernel;
        }

        return (results, kernel);
    }

    /// <summary>OpenBLAS's core type for the best instruction set of this CPU, or null to let OpenBLAS decide.</summary>
    private static string? BestOpenBlasCore()
    {
        try
        {
            var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(' ') ?? [];
            return flags.Contains("avx512f") ? "SkylakeX" : flags.Contains("avx2") && flags.Contains("fma") ? "Haswell" : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
