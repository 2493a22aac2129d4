using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace MultiTeacher.Cli.Tests;

/// <summary>
/// <c>mt distill</c> with a student defined in PyTorch (<c>student = "file:student.pt"</c>, a committed fixture of
/// tests/pytorch/generate_students.py): the trained student comes back as TorchScript that PyTorch runs with the test
/// accuracy mt printed, and <c>mt eval</c> reads it too. Needs Debian's python3-torch, which ./mt test installs.
/// </summary>
public sealed class ScriptedStudentDistillTests
{
    [Fact]
    public async Task Distill_ScriptedStudent_PyTorchLoadsTheResultWithOurTestAccuracy()
    {
        using var dir = new TempDirectory();
        File.Copy(Fixture("Models", "student.pt"), Path.Combine(dir.Path, "student.pt"));
        File.Copy(Fixture("Teachers", "cnn.pt"), Path.Combine(dir.Path, "teacher.pt"));
        var config = Path.Combine(dir.Path, "run.hocon");
        // 5,000 training rows in batches of 32 for 2 epochs: 314 optimizer steps.
        File.WriteAllText(config, """
            multiteacher.distill {
              teachers = [teacher.pt]
              student = "file:student.pt"
              train-rows = 6000
              validation = 1000
              epochs = 2
              batch = 32
              shard-size = 512
              alpha = 0.3
              lr = 0.002
            }
            """);
        var outDirectory = Path.Combine(dir.Path, "out");

        var (code, stdout, stderr) = await MtProcess.RunAsync(["distill", "--config", config, "--out", outDirectory, "--threads", "1"], timeout: TimeSpan.FromMinutes(6));

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDirectory, "summary.json")));
        var student = summary.RootElement.GetProperty("students").GetProperty("distilled");
        var ours = student.GetProperty("test_accuracy").GetDouble();
        var script = Path.Combine(outDirectory, "students", "student.pt");
        Assert.Equal(script, student.GetProperty("torch_script_file").GetString());
        Assert.Equal($"file:{Path.Combine(dir.Path, "student.pt")}?classes=10&input=1x28x28", student.GetProperty("arch").GetString());
        Assert.Equal(50_890, student.GetProperty("params").GetInt64());
        Assert.InRange(ours, 0.6, 1); // trained: an untrained student is near 10%

        var theirs = double.Parse(await RunPython(PyTorchAccuracy, script, "/usr/share/datasets/fashion-mnist"), CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(theirs - ours) <= 0.001, $"PyTorch {theirs:P2}, mt {ours:P2}");

        var (evalCode, evalOut, evalErr) = await MtProcess.RunAsync(["eval", "--model", script, "--json"]);
        Assert.True(evalCode == 0, $"exit {evalCode}\n{evalOut}\n{evalErr}");
        using var evaluation = JsonDocument.Parse(evalOut);
        Assert.Equal(ours, evaluation.RootElement.GetProperty("accuracy").GetDouble(), 6);
    }

    [Theory]
    [InlineData("frozen.pt", "LibTorch cannot train it: none of its 4 parameters requires gradients")]
    [InlineData("seven_classes.pt", "it returns (2, 7), expected (2, 10)")]
    [InlineData("missing.pt", "student file")]
    public async Task Distill_ScriptedStudentLibTorchCannotTrain_RefusedBeforeAnyTeacherPass(string file, string expected)
    {
        using var dir = new TempDirectory();
        if (File.Exists(Fixture("Models", file)))
        {
            File.Copy(Fixture("Models", file), Path.Combine(dir.Path, file));
        }

        File.Copy(Fixture("Teachers", "cnn.pt"), Path.Combine(dir.Path, "teacher.pt"));
        var config = Path.Combine(dir.Path, "run.hocon");
        File.WriteAllText(config, $"multiteacher.distill {{ teachers = [teacher.pt], student = \"file:{file}\" }}\n");

        var (code, _, stderr) = await MtProcess.RunAsync(["distill", "--config", config, "--out", Path.Combine(dir.Path, "out")]);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(dir.Path, file), stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.logits.npy"));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "out", "students")), "a run started despite the refusal");
    }

    [Fact]
    public async Task Online_ScriptedPeers_CodistilFromTheFilesWeights()
    {
        using var dir = new TempDirectory();
        File.Copy(Fixture("Models", "student.pt"), Path.Combine(dir.Path, "peer.pt"));
        var config = Path.Combine(dir.Path, "run.hocon");
        File.WriteAllText(config, "multiteacher.online.arch = \"file:peer.pt\"\n");

        var (code, stdout, stderr) = await MtProcess.RunAsync(["online", "--quick", "--config", config, "--out", Path.Combine(dir.Path, "out")],
            timeout: TimeSpan.FromMinutes(5));

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "out", "summary.json")));
        Assert.Equal($"file:{Path.Combine(dir.Path, "peer.pt")}?classes=10&input=1x28x28", summary.RootElement.GetProperty("settings").GetProperty("arch").GetString());
        foreach (var run in summary.RootElement.GetProperty("runs").EnumerateArray())
        {
            foreach (var peer in run.GetProperty("peers").EnumerateArray())
            {
                Assert.InRange(peer.GetProperty("test_accuracy").GetDouble(), 0.5, 1.0);
                Assert.Equal(run.GetProperty("mode").GetString() == "codistilled", peer.GetProperty("checkpoints_received").GetInt32() > 0);
            }
        }
    }

    /// <summary>PyTorch's accuracy of a TorchScript file on the Fashion-MNIST test set (pixels / 255), printed as a fraction.</summary>
    private const string PyTorchAccuracy = """
        import gzip, os, struct, sys
        import numpy as np
        import torch
        def read_idx(path):
            blob = open(path, "rb").read()
            blob = gzip.decompress(blob) if blob[:2] == b"\x1f\x8b" else blob
            dims = blob[3]
            shape = struct.unpack(">" + "I" * dims, blob[4:4 + 4 * dims])
            return np.frombuffer(blob[4 + 4 * dims:], dtype=np.uint8).reshape(shape)
        script, data = sys.argv[1:3]
        name = lambda stem: next(os.path.join(data, f) for f in os.listdir(data) if f.startswith(stem))
        x = torch.from_numpy(read_idx(name("t10k-images")).astype(np.float32) / 255).reshape(-1, 1, 28, 28)
        y = torch.from_numpy(read_idx(name("t10k-labels")).astype(np.int64))
        torch.set_num_threads(1)
        module = torch.jit.load(script).eval()
        with torch.no_grad():
            predicted = torch.cat([module(x[i:i + 256]).argmax(1) for i in range(0, len(x), 256)])
        print((predicted == y).double().mean().item())
        """;

    private static async Task<string> RunPython(string script, params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        using var python = Process.Start(start)!;
        var errors = python.StandardError.ReadToEndAsync();
        var output = await python.StandardOutput.ReadToEndAsync();
        await python.WaitForExitAsync();
        Assert.True(python.ExitCode == 0, $"python failed: {await errors}");
        return output.Trim().Split('\n')[^1];
    }

    private static string Fixture(string folder, string name) => Repository.PathOf("tests", "MultiTeacher.Core.Tests", folder, "Fixtures", name);
}
