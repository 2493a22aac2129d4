using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using MultiTeacher.Cli.Commands;
using MultiTeacher.Cli.Terminal;
using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Core.Optimizers;
using MultiTeacher.Core.Torch;
using MultiTeacher.Core.Training;
using Spectre.Console;
using TorchSharp;

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
        var threads = new Option<int>("--threads") { Description = "LibTorch intra-op threads (both sides).", DefaultValueFactory = _ => 2 };
        var pytorch = new Option<bool>("--pytorch") { Description = "Also run tests/pytorch/bench_nn.py (Debian's python3-torch) in the same run and report the ratios." };
        var roundsOption = new Option<int>("--rounds") { Description = "Rounds per side, alternating; each side keeps its median round.", DefaultValueFactory = _ => 3 };
        var models = new Option<string[]>("--model") { Description = "Architecture strings to measure (default: the three reference models).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("nn", "Samples/s of inference (batch 256) and of an Adam training step (batch 128). " +
            "With --pytorch, PyTorch's figures are measured beside ours.") { json, seconds, threads, pytorch, roundsOption, models };
        command.SetAction((parse, token) => CommandRunner.Run(_ => Run(parse.GetValue(json), parse.GetValue(seconds), parse.GetValue(threads),
            parse.GetValue(pytorch), Math.Max(1, parse.GetValue(roundsOption)), parse.GetValue(models) is { Length: > 0 } m ? m : Models), token));
        return command;
    }

    private static int Run(bool json, double seconds, int threads, bool pytorch, int rounds, string[] models)
    {
        TorchRuntime.Threads = threads;
        // Rounds alternate between us and PyTorch and each side keeps its median round, so a burst of load from
        // something else on the machine does not decide the ratio.
        var ours = models.ToDictionary(m => m, _ => (Infer: new List<double>(), Train: new List<double>()));
        var theirs = models.ToDictionary(m => m, _ => (Infer: new List<double>(), Train: new List<double>()));
        var parameters = new Dictionary<string, int>();
        string? kernel = null;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var arch in models)
            {
                var (count, infer, train) = Measure(arch, seconds);
                parameters[arch] = count;
                ours[arch].Infer.Add(infer);
                ours[arch].Train.Add(train);
            }

            if (pytorch)
            {
                var run = PyTorchBench.Run(models, seconds, threads);
                kernel = run.Kernel;
                foreach (var (model, figures) in run.Figures)
                {
                    theirs[model].Infer.Add(figures.Infer);
                    theirs[model].Train.Add(figures.Train);
                }
            }
        }

        var results = models.Select(arch =>
        {
            var result = new BenchResult(arch, parameters[arch], Math.Round(Median(ours[arch].Infer), 1), Math.Round(Median(ours[arch].Train), 1), threads,
                TorchRuntime.Describe());
            if (!pytorch || theirs[arch].Infer.Count == 0)
            {
                return result;
            }

            var (infer, train) = (Median(theirs[arch].Infer), Median(theirs[arch].Train));
            return result with
            {
                pytorch_infer_samples_per_s = infer,
                pytorch_train_samples_per_s = train,
                infer_ratio = Math.Round(result.infer_samples_per_s / infer, 2),
                train_ratio = Math.Round(result.train_samples_per_s / train, 2),
                pytorch_kernel = kernel,
            };
        }).ToList();

        if (json)
        {
            foreach (var result in results)
            {
                Console.WriteLine(JsonSerializer.Serialize(result, s_json));
            }

            return 0;
        }

        var table = new Table().AddColumns("model", "params", "infer/s", "train/s");
        if (pytorch)
        {
            table.AddColumns("torch infer/s", "torch train/s", "× infer", "× train");
        }

        foreach (var result in results)
        {
            var cells = new List<string> { Markup.Escape(result.model), $"{result.@params:N0}", $"{result.infer_samples_per_s:N0}", $"{result.train_samples_per_s:N0}" };
            if (pytorch)
            {
                cells.AddRange([$"{result.pytorch_infer_samples_per_s:N0}", $"{result.pytorch_train_samples_per_s:N0}", $"{result.infer_ratio:F2}×", $"{result.train_ratio:F2}×"]);
            }

            table.AddRow(cells.ToArray());
        }

        var caption = $"samples/s, median of {rounds} round(s); batch {InferenceBatch} inference, batch {TrainingBatch} Adam step; {TorchRuntime.Describe()}, {threads} threads";
        if (pytorch)
        {
            caption += $"; PyTorch: {kernel}";
        }

        Output.Console.Write(table);
        Output.Console.WriteLine(caption);
        return 0;
    }

    private static (int Params, double Infer, double Train) Measure(string arch, double seconds)
    {
        using var model = Model.Create(arch, 0);
        var rng = new Rng(1);
        var features = model.Architecture.InputSize;
        using var generator = new torch.Generator(1);
        using var inferInput = torch.rand(InferenceBatch, features, generator: generator, device: TorchRuntime.Device); // (256, features)
        using var trainInput = torch.rand(TrainingBatch, features, generator: generator, device: TorchRuntime.Device); // (128, features)
        var labels = Enumerable.Range(0, TrainingBatch).Select(_ => rng.NextInt(model.Classes)).ToArray();
        using var optimizer = Optimizer.Create("adam", model, 1e-3f);
        var step = new TrainingStep(model, optimizer, new DistillationLoss(1f, 0f));

        model.eval();
        double infer;
        using (torch.inference_mode())
        {
            infer = Rate(() =>
            {
                using var scope = torch.NewDisposeScope();
                model.forward(inferInput);
            }, InferenceBatch, seconds);
        }

        var train = Rate(() => step.Run(trainInput, labels, null), TrainingBatch, seconds);
        return (model.ParameterCount, infer, train);
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

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

#pragma warning disable IDE1006 // JSON field names follow the contract
    private sealed record BenchResult(string model, int @params, double infer_samples_per_s, double train_samples_per_s, int threads, string gemm)
    {
        public double? pytorch_infer_samples_per_s { get; init; }

        public double? pytorch_train_samples_per_s { get; init; }

        public double? infer_ratio { get; init; }

        public double? train_ratio { get; init; }

        public string? pytorch_kernel { get; init; }
    }
#pragma warning restore IDE1006
}
