using System.Text.Json;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;

namespace MultiTeacher.Cli.Tests;

public sealed class ModelCommandTests
{
    [Fact]
    public async Task Eval_Json_PrintsAccuracyPerClassAndCount()
    {
        using var dir = new TempDirectory();
        var model = Path.Combine(dir.Path, "m.safetensors");
        ModelCheckpoint.Save(Model.Create("mlp:784-16-10", 3), model);

        var (code, stdout, stderr) = await MtProcess.RunAsync(["eval", "--model", model, "--json"]);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.InRange(json.RootElement.GetProperty("accuracy").GetDouble(), 0, 1);
        Assert.Equal(10, json.RootElement.GetProperty("per_class").GetArrayLength());
        Assert.Equal(10_000, json.RootElement.GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task Eval_ToAPipe_PrintsATableWithoutAnsiCodes()
    {
        using var dir = new TempDirectory();
        var model = Path.Combine(dir.Path, "m.safetensors");
        ModelCheckpoint.Save(Model.Create("mlp:784-16-10", 3), model);

        var (code, stdout, stderr) = await MtProcess.RunAsync(["eval", "--model", model]);

        Assert.True(code == 0, stderr);
        Assert.Contains("accuracy", stdout);
        Assert.DoesNotContain('\u001b', stdout);
    }

    [Fact]
    public async Task Eval_NotASafetensorsFile_SaysSo()
    {
        var (code, _, stderr) = await MtProcess.RunAsync(["eval", "--model", "/etc/passwd"]);

        Assert.Equal(2, code);
        Assert.Contains("mt: error: /etc/passwd: not a safetensors file", stderr);
    }

    [Fact]
    public async Task Logits_TestSplit_WritesRowsByClassesNpy()
    {
        using var dir = new TempDirectory();
        var model = Path.Combine(dir.Path, "m.safetensors");
        ModelCheckpoint.Save(Model.Create("mlp:784-16-10", 3), model);
        var output = Path.Combine(dir.Path, "logits.npy");

        var (code, _, stderr) = await MtProcess.RunAsync(["logits", "--model", model, "--split", "test", "--out", output]);

        Assert.True(code == 0, stderr);
        Assert.Equal([10_000, 10], Npy.Read(output).Shape);
    }

    [Fact]
    public async Task TrainTeacher_InterruptedWithCtrlC_LeavesNoCheckpoint()
    {
        using var dir = new TempDirectory();
        var output = Path.Combine(dir.Path, "teacher.safetensors");

        var (code, _, stderr) = await MtProcess.RunInterruptedAsync(["train-teacher", "--arch", "mlp:784-1200-1200-10", "--epochs", "5", "--out", output],
            after: TimeSpan.FromSeconds(5));

        Assert.True(code == 130, $"exit {code} after SIGINT: {stderr}");
        Assert.Contains("interrupted; nothing was written", stderr);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task TrainedModel_LoadedInPyTorch_GetsTheAccuracyEvalPrints()
    {
        // Needs Debian's python3-torch, which ./mt test installs: a missing PyTorch fails this test, it is not skipped.
        using var dir = new TempDirectory();
        var model = Path.Combine(dir.Path, "student.safetensors");
        var (trained, _, trainError) = await MtProcess.RunAsync(["train-teacher", "--arch", "mlp:784-32-10", "--epochs", "1", "--seed", "4", "--out", model, "--json"]);
        Assert.True(trained == 0, trainError);
        var (code, stdout, stderr) = await MtProcess.RunAsync(["eval", "--model", model, "--json"]);
        Assert.True(code == 0, stderr);
        var ours = JsonDocument.Parse(stdout).RootElement.GetProperty("accuracy").GetDouble();

        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(Repository.Root, "src", "python", "multiteacher_torch.py"), "eval", model })
        {
            start.ArgumentList.Add(argument);
        }

        using var python = System.Diagnostics.Process.Start(start)!;
        var errors = python.StandardError.ReadToEndAsync();
        var output = await python.StandardOutput.ReadToEndAsync();
        await python.WaitForExitAsync();
        Assert.True(python.ExitCode == 0, $"PyTorch could not evaluate {model}: {await errors}");
        var theirs = JsonDocument.Parse(output).RootElement.GetProperty("accuracy").GetDouble();

        Assert.InRange(ours, 0.7, 1);
        Assert.Equal(ours, theirs, 4);
    }

    [Fact]
    public async Task Help_ListsEveryCommand()
    {
        var (code, stdout, _) = await MtProcess.RunAsync(["--help"]);

        Assert.Equal(0, code);
        foreach (var command in new[] { "demo", "distill", "train-teacher", "eval", "logits", "bench", "config" })
        {
            Assert.Contains(command, stdout);
        }
    }
}
