using System.CommandLine;
using System.Text.Json;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Training;
using MultiTeacher.Cli.Terminal;
using Spectre.Console;

namespace MultiTeacher.Cli.Commands;

/// <summary><c>mt eval</c>: accuracy, per-class accuracy and the confusion matrix of a model file.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = "Model file: .safetensors, a TorchScript module (.pt from torch.jit.save, such as a distilled file: student), or a PyTorch torch.save state_dict (.pt) with --arch.",
            Required = true,
        };
        var arch = new Option<string?>("--arch") { Description = "Architecture of a model file that does not name one (a torch.save state_dict)." };
        var split = CommonOptions.Split("test");
        var data = CommonOptions.Data();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json("{\"accuracy\", \"per_class\", \"n\", \"confusion\"}");
        var command = new Command("eval", "Evaluate a model: accuracy, per-class accuracy, confusion matrix.") { model, arch, split, data, threads, json };
        command.SetAction((parse, token) => CommandRunner.Run(_ =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var path = parse.GetValue(model)!;
            var dataset = DatasetCatalog.Load(parse.GetValue(data), parse.GetValue(split)!);
            // A TorchScript module takes the data's sample shape and class count, as a file: student does.
            var loaded = ScriptedModule.IsTorchScript(path)
                ? new LoadedModel(Model.Create(Architecture.ForData(parse.GetValue(arch) ?? Architecture.ScriptedPrefix + path, dataset.SampleShape, dataset.Classes), 0),
                    new Dictionary<string, string>(), path)
                : ModelCheckpoint.Load(path, parse.GetValue(arch));
            DataCompatibility.Check(loaded.Model.Architecture, dataset, $"model {loaded.Path}");
            var result = Evaluator.Evaluate(loaded.Model, dataset, token);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    accuracy = result.Accuracy,
                    per_class = result.PerClass,
                    n = result.Count,
                    confusion = result.Confusion,
                    model = loaded.Path,
                    arch = loaded.Model.Architecture.Text,
                    split = dataset.Name,
                }));
                return 0;
            }

            Render(result, dataset, loaded);
            return 0;
        }, token));
        return command;
    }

    private static void Render(Evaluation result, Dataset dataset, LoadedModel loaded)
    {
        var names = ClassNames.For(dataset);
        var confusion = new Table().AddColumn("true class");
        for (var c = 0; c < names.Count; c++)
        {
            confusion.AddColumn(new TableColumn($"{c}").RightAligned());
        }

        confusion.AddColumn(new TableColumn("accuracy").RightAligned());
        for (var c = 0; c < names.Count; c++)
        {
            var cells = new List<string> { $"{c} {Markup.Escape(names[c])}" };
            cells.AddRange(result.Confusion[c].Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            cells.Add($"{result.PerClass[c]:P1}");
            confusion.AddRow(cells.ToArray());
        }

        confusion.Caption($"{Markup.Escape(loaded.Path)} ({Markup.Escape(loaded.Model.Architecture.Text)}) on {Markup.Escape(dataset.Name)}: " +
            $"accuracy {result.Accuracy:P2} over {result.Count:N0} rows");
        Output.Console.Write(confusion);
    }
}
