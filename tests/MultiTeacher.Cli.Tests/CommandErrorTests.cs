using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;

namespace MultiTeacher.Cli.Tests;

public sealed class CommandErrorTests
{
    [Fact]
    public async Task TrainTeacher_NoDataset_SaysWhereItLookedAndHowToInstall()
    {
        using var dir = new TempDirectory();

        var (code, _, stderr) = await MtProcess.RunAsync(["train-teacher", "--arch", "mlp:784-8-10", "--out", Path.Combine(dir.Path, "t.safetensors"), "--data", dir.Path]);

        Assert.Equal(2, code);
        Assert.Contains(dir.Path, stderr);
        Assert.Contains("apt-get install dataset-fashion-mnist", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task TrainTeacher_MalformedArchitecture_NamesTheString()
    {
        var (code, _, stderr) = await MtProcess.RunAsync(["train-teacher", "--arch", "mlp:784-x-10", "--out", "/tmp/never.safetensors"]);

        Assert.Equal(2, code);
        Assert.Contains("'mlp:784-x-10'", stderr);
    }

    [Fact]
    public async Task Distill_TeacherOfAnotherClassCount_IsRefusedNamingTheTeacherAndBothSides()
    {
        using var dir = new TempDirectory();
        var teacher = Path.Combine(dir.Path, "five-classes.safetensors");
        ModelCheckpoint.Save(Model.Create("mlp:784-8-5", 1), teacher);
        var config = Path.Combine(dir.Path, "run.hocon");
        File.WriteAllText(config, $"multiteacher.distill.teachers = [\"{teacher}\"]\n");

        var (code, _, stderr) = await MtProcess.RunAsync(["distill", "--config", config, "--out", Path.Combine(dir.Path, "out")]);

        Assert.Equal(2, code);
        Assert.Contains("five-classes.safetensors", stderr);
        Assert.Contains("5 classes", stderr);
        Assert.Contains("10 classes", stderr);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "out", "students")), "a run started despite the mismatch");
    }

    [Fact]
    public async Task Distill_TeacherLogitsOfWrongShape_AreRefusedNamingFileAndShapes()
    {
        using var dir = new TempDirectory();
        var logits = Path.Combine(dir.Path, "short.npy");
        Npy.Write(logits, new float[100 * 10], 100, 10);

        var (code, _, stderr) = await MtProcess.RunAsync(["distill", "--config", WriteEmptyConfig(dir), "--teacher-logits", logits, "--out", Path.Combine(dir.Path, "out")]);

        Assert.Equal(2, code);
        Assert.Contains("short.npy", stderr);
        Assert.Contains("(100, 10)", stderr);
        Assert.Contains("(60000, 10)", stderr);
    }

    [Fact]
    public async Task Distill_BadConfigValue_FailsBeforeRunningWithFileLineAndColumn()
    {
        using var dir = new TempDirectory();
        var config = Path.Combine(dir.Path, "broken.hocon");
        File.WriteAllText(config, "multiteacher {\n  distill {\n    alpha! = 0.5\n  }\n}\n");

        var (code, _, stderr) = await MtProcess.RunAsync(["distill", "--config", config]);

        Assert.Equal(2, code);
        Assert.Contains("broken.hocon:3:10:", stderr);
    }

    private static string WriteEmptyConfig(TempDirectory dir)
    {
        var config = Path.Combine(dir.Path, "empty.hocon");
        File.WriteAllText(config, "multiteacher.distill.epochs = 1\n");
        return config;
    }
}
