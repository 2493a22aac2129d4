using System.Diagnostics;
using System.Text.Json;

namespace MultiTeacher.Cli.Tests;

/// <summary>
/// examples/pytorch end to end, reduced: PyTorch trains and exports a TorchScript and an ONNX teacher, and
/// <c>mt distill</c> distils them with the example's configuration. Needs Debian's python3-torch, which ./mt test
/// installs: a missing PyTorch fails this test, it is not skipped.
/// </summary>
public sealed class PyTorchExampleTests
{
    [Fact]
    public async Task Example_ReducedRun_DistilsTorchScriptAndOnnxTeachersWithPyTorchsAccuracies()
    {
        using var dir = new TempDirectory();
        var example = Path.Combine(Repository.Root, "examples", "pytorch");
        var trained = await RunPython(Path.Combine(example, "train_teachers.py"), "--out", Path.Combine(dir.Path, "teachers"), "--epochs", "1", "--train-rows", "4000");
        var config = Path.Combine(dir.Path, "distill.hocon");
        File.Copy(Path.Combine(example, "distill.hocon"), config);

        var (code, stdout, stderr) = await MtProcess.RunAsync(["distill", "--config", config, "--out", Path.Combine(dir.Path, "out"),
            "--set", "multiteacher.distill.epochs=2", "--set", "multiteacher.distill.train-rows=8000", "--set", "multiteacher.distill.validation=1000"],
            timeout: TimeSpan.FromMinutes(6));

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "out", "summary.json")));
        var teachers = summary.RootElement.GetProperty("teachers");
        Assert.Equal("torchscript", teachers[0].GetProperty("arch").GetString());
        Assert.StartsWith("onnx (image (batch, 1, 28, 28)", teachers[1].GetProperty("arch").GetString(), StringComparison.Ordinal);
        // Our passes over the 10,000 test images through LibTorch and ONNX Runtime agree with PyTorch's own.
        Assert.Equal(trained.GetProperty("mlp.pt").GetDouble(), teachers[0].GetProperty("test_accuracy").GetDouble(), 4);
        Assert.Equal(trained.GetProperty("cnn.onnx").GetDouble(), teachers[1].GetProperty("test_accuracy").GetDouble(), 4);
        Assert.Equal("weighted", summary.RootElement.GetProperty("distillation").GetProperty("aggregation").GetString());
        Assert.InRange(summary.RootElement.GetProperty("students").GetProperty("distilled").GetProperty("test_accuracy").GetDouble(), 0.7, 1);
    }

    private static async Task<JsonElement> RunPython(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        using var python = Process.Start(start)!;
        var errors = python.StandardError.ReadToEndAsync();
        var output = await python.StandardOutput.ReadToEndAsync();
        await python.WaitForExitAsync();
        Assert.True(python.ExitCode == 0, $"{string.Join(' ', args)} failed: {await errors}");
        return JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement.Clone();
    }
}
