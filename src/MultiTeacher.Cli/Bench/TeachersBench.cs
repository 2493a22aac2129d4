using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using MultiTeacher.Cli.Commands;
using MultiTeacher.Cli.Terminal;
using MultiTeacher.Core.Teachers;
using MultiTeacher.Core.Torch;
using Spectre.Console;

namespace MultiTeacher.Cli.Bench;

/// <summary>
/// <c>mt bench teachers</c>: inference samples/s at batch 256 of the same cnn:32-64-128 teacher as our safetensors
/// checkpoint, as TorchScript and as ONNX (written by tests/pytorch/export_bench_teacher.py), and with <c>--pytorch</c>
/// as PyTorch itself (bench_nn.py), rounds alternating, medians kept.
/// </summary>
internal static class TeachersBench
{
    private const string Arch = "cnn:32-64-128";
    private const int Batch = 256;
    private static readonly string[] s_files = ["cnn.safetensors", "cnn.pt", "cnn.onnx"];

    public static Command CreateCommand()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object per format instead of a table." };
        var seconds = new Option<double>("--seconds") { Description = "Seconds measured per format and round.", DefaultValueFactory = _ => 2.0 };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads of LibTorch, ONNX Runtime and PyTorch.", DefaultValueFactory = _ => 2 };
        var pytorch = new Option<bool>("--pytorch") { Description = "Also measure PyTorch (tests/pytorch/bench_nn.py) in the same run and report the ratios." };
        var rounds = new Option<int>("--rounds") { Description = "Rounds per side, alternating; each keeps its median.", DefaultValueFactory = _ => 3 };
        var command = new Command("teachers", $"Samples/s of inference (batch {Batch}) of the {Arch} teacher as safetensors, TorchScript and ONNX " +
            "(the files are exported by Debian's python3-torch).") { json, seconds, threads, pytorch, rounds };
        command.SetAction((parse, token) => CommandRunner.Run(_ => Run(parse.GetValue(json), parse.GetValue(seconds), parse.GetValue(threads),
            parse.GetValue(pytorch), Math.Max(1, parse.GetValue(rounds))), token));
        return command;
    }

    private static int Run(bool json, double seconds, int threads, bool pytorch, int rounds)
    {
        TorchRuntime.Threads = threads;
        var directory = Path.Combine(Path.GetTempPath(), "mt-bench-teachers-" + Guid.NewGuid().ToString("N"));
        try
        {
            Export(directory);
            var teachers = s_files.Select(f => TeacherLoader.Load(Path.Combine(directory, f))).ToList();
            var input = new float[Batch * 28 * 28];
            var random = new Random(1);
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = random.NextSingle();
            }

            int[] sample = [1, 28, 28];
            var reference = teachers[0].Run(input, Batch, sample).Values;
            var maxDiff = teachers.Select(t => t.Run(input, Batch, sample).Values.Zip(reference, (a, b) => Math.Abs(a - b)).Max()).ToList();
            var ours = teachers.Select(_ => new List<double>()).ToList();
            var theirs = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                for (var t = 0; t < teachers.Count; t++)
                {
                    ours[t].Add(TeacherInference.SamplesPerSecond(teachers[t], sample, seconds, rounds: 1));
                }

                if (pytorch)
                {
                    theirs.Add(PyTorchBench.Run([Arch], seconds, threads).Figures[Arch].Infer);
                }
            }

            var torch = pytorch ? Median(theirs) : (double?)null;
            var results = teachers.Select((t, i) => new Row(Arch, t.Format.ToString().ToLowerInvariant(), Math.Round(Median(ours[i])), maxDiff[i], threads, torch is null ? null : Math.Round(torch.Value),
                torch is null ? null : Math.Round(Median(ours[i]) / torch.Value, 2))).ToList();
            teachers.ForEach(t => t.Dispose());
            Print(results, json, rounds, threads);
            return 0;
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static void Export(string directory)
    {
        var script = Path.Combine(RepositoryRoot.Find(), "tests", "pytorch", "export_bench_teacher.py");
        var start = new ProcessStartInfo(PyTorchBench.Python) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(directory);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {PyTorchBench.Python}");
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{script} failed (exit {process.ExitCode}); exporting TorchScript and ONNX needs Debian's python3-torch (apt-get install python3-torch): {error.Result.Trim()}");
        }
    }

    private static void Print(List<Row> rows, bool json, int rounds, int threads)
    {
        if (json)
        {
            rows.ForEach(r => Console.WriteLine(JsonSerializer.Serialize(r, RowJson.Options)));
            return;
        }

        var pytorch = rows[0].pytorch_infer_samples_per_s is not null;
        var table = new Table().AddColumns("teacher", "format", "infer/s", "max |Δ logits|");
        if (pytorch)
        {
            table.AddColumns("PyTorch infer/s", "× PyTorch");
        }

        foreach (var r in rows)
        {
            var cells = new List<string> { r.model, r.format, $"{r.infer_samples_per_s:N0}", $"{r.max_abs_diff:G2}" };
            if (pytorch)
            {
                cells.AddRange([$"{r.pytorch_infer_samples_per_s:N0}", $"{r.ratio:F2}×"]);
            }

            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }

        Output.Console.Write(table);
        Output.Console.WriteLine($"samples/s at batch {Batch}, median of {rounds} round(s), {threads} threads; Δ against the safetensors model on the same batch");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

#pragma warning disable IDE1006 // JSON field names as in the other benches
    private sealed record Row(string model, string format, double infer_samples_per_s, float max_abs_diff, int threads, double? pytorch_infer_samples_per_s, double? ratio);
#pragma warning restore IDE1006

    private static class RowJson
    {
        public static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
    }
}
