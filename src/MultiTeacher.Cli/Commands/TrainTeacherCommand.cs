using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MultiTeacher.Cli.Terminal;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Training;
using Spectre.Console;

namespace MultiTeacher.Cli.Commands;

/// <summary><c>mt train-teacher</c>: trains a model on labelled data and writes it as safetensors.</summary>
internal static class TrainTeacherCommand
{
    public static Command Create()
    {
        var arch = new Option<string>("--arch") { Description = "Architecture, e.g. mlp:784-1200-1200-10?dropout=0.2 or cnn:32-64-128.", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 5 };
        var seed = new Option<long>("--seed") { Description = "Seed of weights, shuffles and dropout.", DefaultValueFactory = _ => 0 };
        var lr = new Option<float>("--lr") { Description = "Learning rate.", DefaultValueFactory = _ => 1e-3f };
        var batch = new Option<int>("--batch") { Description = "Mini-batch size.", DefaultValueFactory = _ => 128 };
        var optimizer = new Option<string>("--optimizer") { Description = "adam or sgd.", DefaultValueFactory = _ => "adam" }.AcceptOnlyFromAmong("adam", "sgd");
        var momentum = new Option<float>("--momentum") { Description = "SGD momentum." };
        var output = new Option<string>("--out") { Description = "Output file (.safetensors), written atomically at the end.", Required = true };
        var data = CommonOptions.Data();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json("the summary");
        var command = new Command("train-teacher", "Train a model on Fashion-MNIST (or IDX data) and save it as safetensors.")
        {
            arch, epochs, seed, lr, batch, optimizer, momentum, output, data, threads, json,
        };
        command.SetAction((parse, token) => CommandRunner.Run(_ =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var options = new TrainingOptions
            {
                Epochs = parse.GetValue(epochs),
                Seed = parse.GetValue(seed),
                LearningRate = parse.GetValue(lr),
                BatchSize = parse.GetValue(batch),
                Optimizer = parse.GetValue(optimizer)!,
                Momentum = parse.GetValue(momentum),
            };
            return Train(parse.GetValue(arch)!, options, parse.GetValue(output)!, parse.GetValue(data), parse.GetValue(json), token);
        }, token));
        return command;
    }

    private static int Train(string arch, TrainingOptions options, string output, string? dataDir, bool json, CancellationToken token)
    {
        options.Validate();
        var architecture = Architecture.Parse(arch);
        var outputDir = Path.GetDirectoryName(Path.GetFullPath(output))!;
        if (!Directory.Exists(outputDir))
        {
            throw new CliUsageException($"the folder of --out does not exist: {outputDir}");
        }

        var train = DatasetCatalog.Load(dataDir, "train");
        var test = DatasetCatalog.Load(dataDir, "test");
        DataCompatibility.Check(architecture, train, $"architecture {arch}");
        var model = Model.Create(architecture, (ulong)options.Seed);
        var trainer = new SupervisedTrainer(model, options);
        var epochs = TrainingProgressView.Run(arch, report => trainer.Train(train, test, report, token));
        var last = epochs[^1];

        var metadata = new Dictionary<string, string>
        {
            ["dataset"] = DatasetCatalog.FashionMnist,
            ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
            ["epochs"] = options.Epochs.ToString(CultureInfo.InvariantCulture),
            ["optimizer"] = options.Optimizer,
            ["lr"] = options.LearningRate.ToString("R", CultureInfo.InvariantCulture),
            ["batch"] = options.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["train_loss"] = last.Loss.ToString("R", CultureInfo.InvariantCulture),
            ["test_accuracy"] = last.EvaluationAccuracy!.Value.ToString("R", CultureInfo.InvariantCulture),
        };
        token.ThrowIfCancellationRequested();
        ModelCheckpoint.Save(model, output, metadata);

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                arch,
                @params = model.ParameterCount,
                seed = options.Seed,
                test_accuracy = last.EvaluationAccuracy,
                epochs = epochs.Select(e => new { epoch = e.Epoch, loss = e.Loss, train_accuracy = e.TrainAccuracy, test_accuracy = e.EvaluationAccuracy, seconds = e.Seconds }),
                file = output,
            }));
            return 0;
        }

        var table = new Table().AddColumns("epoch", "loss", "train acc", "test acc", "seconds");
        foreach (var e in epochs)
        {
            table.AddRow($"{e.Epoch}", $"{e.Loss:F4}", $"{e.TrainAccuracy:P2}", $"{e.EvaluationAccuracy:P2}", $"{e.Seconds:F1}");
        }

        table.Caption($"{arch}, {model.ParameterCount:N0} parameters, seed {options.Seed} → {output}");
        Output.Console.Write(table);
        return 0;
    }
}
