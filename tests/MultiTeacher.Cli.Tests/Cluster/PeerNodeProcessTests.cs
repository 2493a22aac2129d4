using System.Diagnostics;
using System.Text.Json;
using MultiTeacher.Core.Checkpoints;
using Xunit.Abstractions;

namespace MultiTeacher.Cli.Tests.Cluster;

/// <summary>
/// Codistillation peers as separate processes of the built CLI on loopback (<c>mt node --roles student --peer-group
/// NAME --peer K</c>), on a small part of Fashion-MNIST: they exchange checkpoints over the cluster and, in lockstep,
/// train the same peers as <c>mt online</c> in one process, bit for bit. A peer whose partner is killed goes on alone.
/// </summary>
public sealed class PeerNodeProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_run = TimeSpan.FromMinutes(2);

    private static readonly string[] s_settings =
    [
        "--set", "multiteacher.online.train-rows=8000", "--set", "multiteacher.online.test-rows=1000",
        "--set", "multiteacher.online.exchange-every=10", "--set", "multiteacher.online.burn-in=16",
    ];

    [Fact]
    public async Task TwoPeerProcesses_ExchangeCheckpoints_AndEqualTheInProcessGroupBitForBit()
    {
        using var dir = new TempDirectory();
        string[] settings = [.. s_settings, "--set", "multiteacher.online.epochs=2"];
        var clock = Stopwatch.StartNew();
        var (first, second) = await StartPairAsync(dir.Path, "pair", settings);
        using (first)
        using (second)
        {
            foreach (var node in new[] { first, second })
            {
                Assert.True(await node.WaitAsync(s_run) == 0, $"{node.Name} failed:\n{first.Output}\n---\n{second.Output}");
            }
        }

        var elapsed = clock.Elapsed;
        var online = Path.Combine(dir.Path, "online");
        var (code, _, stderr) = await MtProcess.RunAsync(["online", "--out", online, .. settings, "--threads", "2", "--set", "multiteacher.online.seeds=[1]"]);
        Assert.True(code == 0, $"mt online failed: {stderr}");

        for (var k = 0; k < 2; k++)
        {
            var summary = Summary(dir.Path, k);
            var peer = summary.GetProperty("peer");
            Assert.Equal($"peer-{k}", peer.GetProperty("id").GetString());
            Assert.Equal(4000, peer.GetProperty("rows").GetInt32());
            Assert.True(peer.GetProperty("checkpoints_received").GetInt32() > 0, $"peer {k} received no checkpoint");
            Assert.True(peer.GetProperty("distilled_steps").GetInt64() > 0, $"peer {k} never distilled");
            Assert.InRange(peer.GetProperty("test_accuracy").GetDouble(), 0.6, 1.0);
            Assert.Empty(summary.GetProperty("incidents").EnumerateArray());
            Assert.Equal(Weights(Path.Combine(online, "peers", $"codistilled_seed1_peer-{k}.safetensors")), Weights(PeerFile(dir.Path, k)));
            output.WriteLine($"peer {k}: test accuracy {peer.GetProperty("test_accuracy")}, checkpoints sent {peer.GetProperty("checkpoints_sent")}, " +
                $"received {peer.GetProperty("checkpoints_received")}, training {summary.GetProperty("elapsed_seconds")} s");
        }

        output.WriteLine($"two peer processes from start to exit: {elapsed.TotalSeconds:0.0} s; weights equal mt online's");
    }

    [Fact]
    public async Task PartnerKilled_PeerGoesOnAloneAndSaysSo()
    {
        using var dir = new TempDirectory();
        string[] settings =
        [
            .. s_settings, "--set", "multiteacher.online.epochs=4", "--set", "multiteacher.online.peer-timeout=3s",
            "--set", "multiteacher.online.max-staleness=20",
        ];
        var clock = Stopwatch.StartNew();
        var (first, second) = await StartPairAsync(dir.Path, "kill", settings);
        using (first)
        using (second)
        {
            await second.WaitForOutputAsync("epoch 1/4", s_run);
            second.KillHard();
            Assert.True(await first.WaitAsync(s_run) == 0, $"{first.Name} failed:\n{first.Output}");
            output.WriteLine(first.Output);
        }

        var summary = Summary(dir.Path, 0);
        var peer = summary.GetProperty("peer");
        Assert.Equal(4 * 32, peer.GetProperty("steps").GetInt64());
        Assert.Equal(4, peer.GetProperty("history").GetArrayLength());
        Assert.InRange(peer.GetProperty("test_accuracy").GetDouble(), 0.6, 1.0);
        var incidents = summary.GetProperty("incidents").EnumerateArray().Select(i => i.GetString()!).ToList();
        Assert.Contains(incidents, i => i.StartsWith("peer peer-1 sent no checkpoint of step", StringComparison.Ordinal) && i.Contains("within 3 s", StringComparison.Ordinal));
        Assert.Contains(incidents, i => i.StartsWith("checkpoint of peer-1", StringComparison.Ordinal) && i.Contains("beyond the bound of 20", StringComparison.Ordinal));
        Assert.True(File.Exists(PeerFile(dir.Path, 0)));
        Assert.False(File.Exists(PeerFile(dir.Path, 1)), "the killed peer wrote its file");
        output.WriteLine($"kill test: {clock.Elapsed.TotalSeconds:0.0} s; incidents: {string.Join(" | ", incidents)}");
    }

    /// <summary>Starts peer 0 (the seed of a new cluster) and, once it listens, peer 1 joining it; each writes in <c>DIR/peer-K</c>.</summary>
    private static async Task<(NodeProcess First, NodeProcess Second)> StartPairAsync(string directory, string group, string[] settings)
    {
        var port = NodeProcess.FreePort();
        string[] common = ["--peer-group", group, "--hostname", "127.0.0.1", "--threads", "1", .. settings];
        var first = NodeProcess.Start("peer-0", [.. common, "--peer", "0", "--port", $"{port}", "--out", Path.Combine(directory, "peer-0")]);
        try
        {
            await first.WaitForOutputAsync("starts a new cluster", s_run);
        }
        catch
        {
            first.Dispose();
            throw;
        }

        var second = NodeProcess.Start("peer-1", [.. common, "--peer", "1", "--port", "0", "--seed-nodes", $"akka.tcp://multiteacher@127.0.0.1:{port}",
            "--out", Path.Combine(directory, "peer-1")]);
        return (first, second);
    }

    private static string PeerFile(string directory, int k) => Path.Combine(directory, $"peer-{k}", $"peer-{k}.safetensors");

    private static JsonElement Summary(string directory, int k) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, $"peer-{k}", "summary.json"))).RootElement.Clone();

    private static float[] Weights(string path) => ModelCheckpoint.Load(path).Model.GetWeights();
}
