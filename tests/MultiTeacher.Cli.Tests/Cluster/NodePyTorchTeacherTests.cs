using System.Globalization;
using System.Text.Json;
using MultiTeacher.Core.Checkpoints;

namespace MultiTeacher.Cli.Tests.Cluster;

/// <summary>
/// A teacher node serves teachers from PyTorch like any other: a TorchScript and an ONNX teacher (the committed
/// fixtures of tests/pytorch/generate_teachers.py) served by a teacher process to a coordinator process on real
/// Fashion-MNIST rows give the student that <c>mt distill</c> trains from the same files in one process; a student
/// defined in PyTorch (<c>file:student.pt</c>) comes back as TorchScript from the cluster too.
/// </summary>
public sealed class NodePyTorchTeacherTests
{
    private static readonly TimeSpan s_run = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData("mlp:784-16-10")]
    [InlineData("file:student.pt")]
    public async Task TeacherNode_ServesTorchScriptAndOnnxTeachers_StudentEqualsTheOneProcessRun(string student)
    {
        using var dir = new TempDirectory();
        File.Copy(Repository.PathOf("tests", "MultiTeacher.Core.Tests", "Models", "Fixtures", "student.pt"), Path.Combine(dir.Path, "student.pt"));
        var config = Path.Combine(dir.Path, "run.hocon");
        File.WriteAllText(config, string.Create(CultureInfo.InvariantCulture, $$"""
            multiteacher {
              threads = 1
              distill {
                teachers = ["{{Copy("mlp.pt", dir.Path)}}", "{{Copy("cnn.onnx", dir.Path)}}"]
                student = "{{student}}"
                train-rows = 3000
                validation = 500
                seed = 3
                epochs = 1
                batch = 32
                shard-size = 256
                checkpoint-every = 0
                shard-deadline = 120s
              }
            }
            """));

        var local = await MtProcess.RunAsync(["distill", "--config", config, "--out", Path.Combine(dir.Path, "local")]);
        Assert.True(local.ExitCode == 0, local.Err);

        var outDirectory = Path.Combine(dir.Path, "cluster");
        await NodeProcess.RunCoordinatorAndTeacherAsync(config, outDirectory, s_run);

        var shards = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDirectory, "summary.json"))).RootElement.GetProperty("shards");
        var planned = shards.GetProperty("planned").GetInt32();
        Assert.Equal((planned, planned, 0), (shards.GetProperty("aggregated").GetInt32(), shards.GetProperty("trained").GetInt32(),
            shards.GetProperty("closed_incomplete").GetInt32()));
        Assert.Equal(Weights(Path.Combine(dir.Path, "local")), Weights(outDirectory));
        var distilled = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDirectory, "summary.json"))).RootElement.GetProperty("students").GetProperty("distilled");
        var torchScript = distilled.TryGetProperty("torch_script_file", out var file) ? file.GetString() : null;
        var expected = student.StartsWith("file:", StringComparison.Ordinal) ? Path.Combine(outDirectory, "students", "student.pt") : null;
        Assert.Equal(expected, torchScript);
        Assert.True(expected is null || File.Exists(expected), "student.pt is missing");
    }

    /// <summary>Every tensor of the student's safetensors file, by name (the metadata of the two runs differ).</summary>
    private static Dictionary<string, float[]> Weights(string outDirectory) =>
        Safetensors.Read(Path.Combine(outDirectory, "students", "student.safetensors")).Tensors.ToDictionary(t => t.Name, t => t.Data.ToArray());

    /// <summary>
    /// A copy in <paramref name="directory"/> of a committed teacher fixture (teacher passes are cached beside the
    /// teacher file, so never beside the committed one).
    /// </summary>
    private static string Copy(string name, string directory)
    {
        var copy = Path.Combine(directory, name);
        File.Copy(Repository.TeacherFixture(name), copy);
        return copy;
    }
}
