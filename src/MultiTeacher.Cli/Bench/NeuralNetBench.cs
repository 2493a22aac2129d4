using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using MultiTeacher.Cli.Commands;
using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Core.Optimizers;
using MultiTeacher.Core.Tensors;
using MultiTeacher.Core.Training;
using Spectre.Console;

namespace MultiTeacher.Cli.Bench;

/// <summary><c>mt bench nn</c>: inference and training throughput of the neural-network core.</summary>
internal static class NeuralNetBench
{
    private const int InferenceBatch = 256;
    private const int TrainingBatch = 128;

    private static readonly JsonSerializerOptions s_json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The models of the table, with PyTorch's figures measured on a 2-core machine for reference.</summary>
    public static readonly string[] Models = ["mlp:784-1200-1200-10", "cnn:32-64-128", "mlp:784-64-10"];

    public static Command CreateCommand()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object per model instead of a table." };
        var seconds = new Option<double>("--seconds") { Description = "Seconds measured per model and mode.", DefaultValueFactory = _ => 2.0 };
        var threads = new Option<int>("--threads") { Description = "Threads for GEMM.", DefaultValueFactory = _ => 2 };
        var gemm = new Option<string?>("--gemm") { Description = "GEMM backend: openblas or managed (default: openblas when installed)." };
        var pytorch = new Option<bool>("--pytorch") { Description = "Also run tests/pytorch/bench_nn.py (Debian's python3-torch) in the same run and report the ratios." };
        var roundsOption = new Option<int>("--rounds") { Description = "Rounds per side; each side keeps its best round.", DefaultValueFactory = _ => 1 };
        var models = new Option<string[]>("--model") { Description = "Architecture strings to measure (default: the three reference models).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("nn", "Samples/s of inference (batch 256) and of an Adam training step (batch 128). " +
            "With --pytorch, PyTorch's figures are measured beside ours.") { json, seconds, threads, gemm, pytorch, roundsOption, models };
        command.SetAction((parse, token) => CommandRunner.Run(_ => Run(parse.GetValue(json), parse.GetValue(seconds), parse.GetValue(threads),
            parse.GetValue(gemm), parse.GetValue(pytorch), Math.Max(1, parse.GetValue(roundsOption)), parse.GetValue(models) is { Length: > 0 } m ? m : Models), token));
        return command;
    }

    private static int Run(bool json, double seconds, int threads, string? gemm, bool pytorch, int rounds, string[] models)
    {
        if (gemm is not null)
        {
            Gemm.Use(gemm);
        }

        Gemm.Threads = threads;
        // Rounds alternate between us and PyTorch and each side keeps its best round, so a burst of load from
        // something else on the machine does not decide the ratio.
        var results = new List<BenchResult>();
        var reference = new Dictionary<string, (double Infer, double Train)>();
        for (var round = 0; round < rounds; round++)
        {
            var measured = models.Select(arch => Measure(arch, seconds, threads)).ToList();
            results = results.Count == 0 ? measured : results.Zip(measured, (a, b) => a with
            {
                infer_samples_per_s = Math.Max(a.infer_samples_per_s, b.infer_samples_per_s),
                train_samples_per_s = Math.Max(a.train_samples_per_s, b.train_samples_per_s),
            }).ToList();
            if (pytorch)
            {
                foreach (var (model, figures) in PyTorchBench.Run(models, seconds, threads))
                {
                    reference[model] = reference.TryGetValue(model, out var best)
                        ? (Math.Max(best.Infer, figures.Infer), Math.Max(best.Train, figures.Train))
                        : figures;
                }
            }
        }

        if (pytorch)
        {
            results = results.Select(r => reference.TryGetValue(r.model, out var p) ? r with
            {
                pytorch_infer_samples_per_s = p.Infer,
                pytorch_train_samples_per_s = p.Train,
                infer_ratio = Math.Round(r.infer_samples_per_s / p.Infer, 2),
                train_ratio = Math.Round(r.train_samples_per_s / p.Train, 2),
            } : r).ToList();
        }

        var table = new Table().AddColumns("model", "params", "infer/s", "train/s");
        if (pytorch)
        {
            table.AddColumns("torch infer/s", "torch train/s", "× infer", "× train");
        }

        foreach (var result in results)
        {
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(result, s_json));
                continue;
            }

            var cells = new List<string> { result.model, $"{result.@params:N0}", $"{result.infer_samples_per_s:N0}", $"{result.train_samples_per_s:N0}" };
            if (pytorch)
            {
                cells.AddRange([$"{result.pytorch_infer_samples_per_s:N0}", $"{result.pytorch_train_samples_per_s:N0}", $"{result.infer_ratio:F2}×", $"{result.train_ratio:F2}×"]);
            }

            table.AddRow(cells.ToArray());
        }

        if (!json)
        {
            table.Caption($"samples/s; batch {InferenceBatch} inference, batch {TrainingBatch} Adam step; GEMM: {Gemm.Current.Name}, {threads} threads");
            AnsiConsole.Write(table);
        }

        return 0;
    }

    private static BenchResult Measure(string arch, double seconds, int threads)
    {
        var model = Model.Create(arch, 0);
        var rng = new Rng(1);
        var features = model.Architecture.InputSize;
        var inferInput = RandomTensor(rng, InferenceBatch, features);
        var trainInput = RandomTensor(rng, TrainingBatch, features);
        var labels = Enumerable.Range(0, TrainingBatch).Select(_ => rng.NextInt(model.Classes)).ToArray();
        var step = new TrainingStep(model, new Adam(model.Parameters), new DistillationLoss(1f, 0f));

        var infer = Rate(() => model.Forward(inferInput, training: false), InferenceBatch, seconds);
        var train = Rate(() => step.Run(trainInput, labels, []), TrainingBatch, seconds);
        return new BenchResult(arch, model.Parameters.Count, Math.Round(infer, 1), Math.Round(train, 1), threads, Gemm.Current.Name);
    }

    private static Tensor RandomTensor(Rng rng, int rows, int features)
    {
        var t = new Tensor(rows, features);
        foreach (ref var v in t.Span)
        {
            v = rng.NextFloat();
        }

        return t;
    }

    /// <summary>Samples per second of <paramref name="action"/> over at least <paramref name="seconds"/>, after a warm-up.</summary>
    private static double Rate(Action action, int batch, double seconds)
    {
        action();
        action();
        var n = 0;
        var watch = Stopwatch.StartNew();
        do
        {
            action();
            n++;
        }
        while (watch.Elapsed.TotalSeconds < seconds);
        return n * batch / watch.Elapsed.TotalSeconds;
    }

#pragma warning disable IDE1006 // JSON field names follow the contract
    private sealed record BenchResult(string model, int @params, double infer_samples_per_s, double train_samples_per_s, int threads, string gemm)
    {
        public double? pytorch_infer_samples_per_s { get; init; }

        public double? pytorch_train_samples_per_s { get; init; }

        public double? infer_ratio { get; init; }

        public double? train_ratio { get; init; }
    }
#pragma warning restore IDE1006
}
