namespace MultiTeacher.Cli.Tests;

/// <summary>Every teacher of <c>mt distill</c> is probed before any teacher pass or training starts.</summary>
public sealed class TeacherRefusalCommandTests
{
    [Fact]
    public async Task Distill_LastTeacherUnfit_RefusedBeforeAnyTeacherPass()
    {
        using var dir = new TempDirectory();
        foreach (var name in new[] { "cnn.pt", "cnn.onnx", "seven_classes.pt" })
        {
            File.Copy(Repository.TeacherFixture(name), Path.Combine(dir.Path, name));
        }

        var config = Path.Combine(dir.Path, "run.hocon");
        File.WriteAllText(config, "multiteacher.distill.teachers = [cnn.pt, { path = cnn.onnx, weight = 2 }, seven_classes.pt]\n");

        var (code, _, stderr) = await MtProcess.RunAsync(["distill", "--config", config, "--out", Path.Combine(dir.Path, "out")]);

        Assert.Equal(2, code);
        Assert.Contains($"teacher {Path.Combine(dir.Path, "seven_classes.pt")}: expected logits of shape (16, 10)", stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.logits.npy"));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "out", "students")), "a run started despite the refusal");
    }

    [Theory]
    [InlineData("[{ path = cnn.pt, wieght = 2 }]", "multiteacher.distill.teachers: item 0: unknown field 'wieght'")]
    [InlineData("[{ path = cnn.pt, input-layout = sideways }]", "unknown input-layout 'sideways': expected auto, shaped or flat")]
    [InlineData("[{ path = cnn.pt, weight = -1 }]", "item 0: weight must be a number of at least 0, got \"-1\"")]
    public async Task Distill_BadTeacherEntry_NamesKeyAndProblem(string teachers, string expected)
    {
        using var dir = new TempDirectory();
        File.Copy(Repository.TeacherFixture("cnn.pt"), Path.Combine(dir.Path, "cnn.pt"));
        var config = Path.Combine(dir.Path, "run.hocon");
        File.WriteAllText(config, $"multiteacher.distill.teachers = {teachers}\n");

        var (code, _, stderr) = await MtProcess.RunAsync(["distill", "--config", config, "--out", Path.Combine(dir.Path, "out")]);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }
}
