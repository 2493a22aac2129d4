using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace MultiTeacher.Cli.Bench;

/// <summary>Runs <c>tests/pytorch/bench_nn.py</c> with Debian's python3-torch and reads its JSON lines.</summary>
internal static class PyTorchBench
{
    public const string Python = "/usr/bin/python3";

    public static Dictionary<string, (double Infer, double Train)> Run(IReadOnlyList<string> models, double seconds, int threads)
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

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Python}");
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{script} failed (exit {process.ExitCode}); it needs Debian's python3-torch (apt-get install python3-torch): {error.Trim()}");
        }

        var results = new Dictionary<string, (double, double)>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            results[root.GetProperty("model").GetString()!] =
                (root.GetProperty("infer_samples_per_s").GetDouble(), root.GetProperty("train_samples_per_s").GetDouble());
        }

        return results;
    }
}
