using System.CommandLine;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Training;

namespace MultiTeacher.Cli.Commands;

/// <summary><c>mt logits</c>: a model's logits for a whole split, as an (n × classes) float32 .npy file.</summary>
internal static class LogitsCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model file: .safetensors, or a PyTorch torch.save state_dict (.pt) with --arch.", Required = true };
        var arch = new Option<string?>("--arch") { Description = "Architecture of a model file that does not name one (a torch.save state_dict)." };
        var split = CommonOptions.Split("train");
        var output = new Option<string>("--out") { Description = "Output .npy file (n × classes, float32), written atomically.", Required = true };
        var data = CommonOptions.Data();
        var threads = CommonOptions.Threads();
        var command = new Command("logits", "Write a model's logits for a split as .npy, to cache teacher passes or use them elsewhere.")
        {
            model, arch, split, output, data, threads,
        };
        command.SetAction((parse, token) => CommandRunner.Run(_ =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var loaded = ModelCheckpoint.Load(parse.GetValue(model)!, parse.GetValue(arch));
            var dataset = DatasetCatalog.Load(parse.GetValue(data), parse.GetValue(split)!);
            DataCompatibility.Check(loaded.Model.Architecture, dataset, $"model {loaded.Path}");
            var logits = Evaluator.Logits(loaded.Model, dataset, token);
            var path = parse.GetValue(output)!;
            Npy.Write(path, logits, dataset.Count, loaded.Model.Classes);
            Console.Error.WriteLine($"mt: wrote {path}: {dataset.Count} × {loaded.Model.Classes} logits of {loaded.Path} on {dataset.Name}");
            return 0;
        }, token));
        return command;
    }
}
