using System.Text.Json;
using MultiTeacher.Core.Checkpoints;

namespace MultiTeacher.Cli.Tests;

public sealed class OnlineCommandTests
{
    [Fact]
    public async Task Online_Quick_WritesSummaryWithEveryRunAndReport()
    {
        using var dir = new TempDirectory();
        var output = Path.Combine(dir.Path, "run");

        var (code, stdout, stderr) = await MtProcess.RunAsync(["online", "--quick", "--out", output, "--set", "multiteacher.online.alpha=0.6"]);

        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Contains("codistilled", stdout);
        Assert.Contains(Path.Combine(output, "summary.json"), stdout);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        var root = summary.RootElement;
        Assert.Equal(10_000, root.GetProperty("dataset").GetProperty("train").GetInt32());
        Assert.Equal(0.6, root.GetProperty("settings").GetProperty("alpha").GetDouble(), 6);
        var runs = root.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(["independent_seed1", "codistilled_seed1", "independent_seed2", "codistilled_seed2"], runs.Select(r => r.GetProperty("name").GetString()));
        foreach (var run in runs)
        {
            var codistilled = run.GetProperty("mode").GetString() == "codistilled";
            var peers = run.GetProperty("peers").EnumerateArray().ToList();
            Assert.Equal(2, peers.Count);
            foreach (var peer in peers)
            {
                Assert.Equal(5_000, peer.GetProperty("rows").GetInt32());
                Assert.Equal(2, peer.GetProperty("history").GetArrayLength());
                Assert.InRange(peer.GetProperty("test_accuracy").GetDouble(), 0.5, 1.0);
                Assert.True(peer.GetProperty("checkpoints_sent").GetInt32() > 0);
                Assert.Equal(codistilled, peer.GetProperty("checkpoints_received").GetInt32() > 0);
                Assert.Equal(codistilled, peer.GetProperty("distilled_steps").GetInt64() > 0);
                Assert.InRange(peer.GetProperty("staleness_max").GetInt64(), 0, root.GetProperty("settings").GetProperty("max_staleness_steps").GetInt64());
            }
        }

        var churn = root.GetProperty("churn");
        Assert.InRange(churn.GetProperty("independent").GetDouble(), 0.0, 1.0);
        Assert.InRange(churn.GetProperty("codistilled").GetDouble(), 0.0, 1.0);
        Assert.Equal(2_000, churn.GetProperty("test_rows").GetInt32());
        Assert.InRange(root.GetProperty("mean_test_accuracy").GetProperty("codistilled").GetDouble(), 0.5, 1.0);
        Assert.Equal(784 * 256 + 256 + 256 * 10 + 10, ModelCheckpoint.Load(Path.Combine(output, "peers", "codistilled_seed1_peer-0.safetensors")).Model.ParameterCount);
        var report = File.ReadAllText(Path.Combine(output, "report.html"));
        Assert.Contains("<svg", report);
        Assert.Contains("Prediction churn", report);
    }

    [Fact]
    public async Task Online_OnePeer_FailsWithAUsageError()
    {
        var (code, _, stderr) = await MtProcess.RunAsync(["online", "--quick", "--peers", "1"]);

        Assert.Equal(2, code);
        Assert.Contains("at least 2 peers", stderr);
    }
}
