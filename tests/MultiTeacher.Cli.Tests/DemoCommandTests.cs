using System.Text.Json;
using MultiTeacher.Core.Checkpoints;

namespace MultiTeacher.Cli.Tests;

public sealed class DemoCommandTests
{
    private static readonly string[] s_roles = ["scratch", "distilled", "scratch_few_labels", "distilled_few_labels"];

    [Fact]
    public async Task Demo_Quick_WritesSummaryReportAndLoadableStudents()
    {
        using var dir = new TempDirectory();
        var output = Path.Combine(dir.Path, "run");

        var (code, stdout, stderr) = await MtProcess.RunAsync(["demo", "--quick", "--out", output, "--models", Path.Combine(dir.Path, "models")]);

        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Contains("distilled_few_labels", stdout);
        // Output to a pipe: plain text, and the table's long model names on one line each.
        Assert.DoesNotContain('\u001b', stdout);
        Assert.Contains(stdout.Split('\n'), line => line.Contains("teacher mlp:784-128-10?dropout=0.2", StringComparison.Ordinal));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        var root = summary.RootElement;
        Assert.Equal(9000, root.GetProperty("dataset").GetProperty("train").GetInt32());
        Assert.Equal(10, root.GetProperty("dataset").GetProperty("classes").GetInt32());
        Assert.Equal("inproc", root.GetProperty("transport").GetString());
        Assert.Equal(3, root.GetProperty("teachers").GetArrayLength());
        foreach (var teacher in root.GetProperty("teachers").EnumerateArray())
        {
            Assert.InRange(teacher.GetProperty("test_accuracy").GetDouble(), 0.5, 1.0);
            Assert.True(teacher.GetProperty("params").GetInt64() > 0);
        }

        Assert.InRange(root.GetProperty("ensemble").GetProperty("test_accuracy").GetDouble(), 0.5, 1.0);
        var shards = root.GetProperty("shards");
        Assert.Equal(shards.GetProperty("planned").GetInt32(), shards.GetProperty("trained").GetInt32());
        Assert.Equal(shards.GetProperty("planned").GetInt32(), shards.GetProperty("aggregated").GetInt32());
        Assert.Equal(0, shards.GetProperty("duplicates_dropped").GetInt32());
        foreach (var role in s_roles)
        {
            var student = root.GetProperty("students").GetProperty(role);
            Assert.Equal("mlp:784-64-10", student.GetProperty("arch").GetString());
            Assert.Equal(role.EndsWith("few_labels", StringComparison.Ordinal) ? 600 : 9000, student.GetProperty("labels").GetInt32());
            Assert.InRange(student.GetProperty("test_accuracy").GetDouble(), 0.5, 1.0);
            var loaded = ModelCheckpoint.Load(student.GetProperty("file").GetString()!);
            Assert.Equal(50_890, loaded.Model.ParameterCount);
        }

        var report = File.ReadAllText(Path.Combine(output, "report.html"));
        Assert.Contains("<svg", report);
        Assert.Contains("student, distilled, few labels", report);
    }
}
