using System.Diagnostics;
using System.Text.Json;
using MultiTeacher.Core.Checkpoints;
using Xunit.Abstractions;

namespace MultiTeacher.Integration.Tests;

/// <summary>
/// Codistillation peers as separate `mt node --roles student --peer-group` processes exchanging checkpoints through the
/// broker: in lockstep they train bit for bit the peers of `mt online` (one process); a peer killed with kill -9 does
/// not stop the other; a peer that joins late gets the newest checkpoint of the peer ahead of it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PeerGroupTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private const string Seed = "5";
    private static readonly TimeSpan s_runTimeout = TimeSpan.FromSeconds(90);
    private static readonly SemaphoreSlim s_referenceGate = new(1, 1);
    private static string? s_reference;

    // 2 peers of mlp:784-32-10 on 2,000 rows each, a checkpoint every 8 steps of 64 rows (about 100 KB).
    private static readonly string[] s_group =
    [
        "--set", "multiteacher.online.arch=mlp:784-32-10", "--set", "multiteacher.online.peers=2", "--set", "multiteacher.online.train-rows=4000",
        "--set", "multiteacher.online.test-rows=1000", "--set", "multiteacher.online.epochs=2", "--set", "multiteacher.online.batch=64",
        "--set", "multiteacher.online.exchange-every=8", "--set", "multiteacher.online.burn-in=16", "--set", $"multiteacher.online.seeds={Seed}",
        "--set", "multiteacher.online.wait-for-peers=true", "--set", "multiteacher.online.peer-timeout=20s",
    ];

    [Fact]
    public async Task TwoPeerProcesses_InLockstep_TrainBitForBitThePeersOfOneProcess()
    {
        var reference = await ReferenceAsync();
        using var cluster = new TestCluster(fixture);
        var claimChecks = Path.Combine(cluster.Out, "claim-checks");
        // Below the checkpoint's size: every checkpoint travels as a claim check.
        string[] viaClaimChecks = ["--set", "multiteacher.cluster.claim-check-threshold=64KiB", "--set", $"multiteacher.cluster.claim-check-dir={claimChecks}"];
        var clock = Stopwatch.StartNew();

        var peers = new[] { StartPeer(cluster, "lockstep", 0, viaClaimChecks), StartPeer(cluster, "lockstep", 1, viaClaimChecks) };
        await FinishedAsync(cluster, peers);

        output.WriteLine($"two peer processes: {clock.Elapsed.TotalSeconds:F1} s; claim checks written: {Directory.GetFiles(claimChecks, "*.bin").Length}");
        Assert.NotEmpty(Directory.GetFiles(claimChecks, "*.bin"));
        for (var k = 0; k < 2; k++)
        {
            var report = Report(cluster, k);
            output.WriteLine(report.ToString());
            Assert.Equal(Weights(reference, $"codistilled_seed{Seed}_peer-{k}"), Weights(cluster.Out, $"peer-{k}"));
            Assert.Empty(report.GetProperty("incidents").EnumerateArray());
            // The other's 7 exchange-point checkpoints, and its final one unless that came after this peer finished.
            Assert.InRange(report.GetProperty("checkpoints_received").GetInt32(), 7, 8);
        }
    }

    [Fact]
    public async Task PeerKilledMidRun_TheOtherFinishes_AndItsReportNamesTheLostPeer()
    {
        using var cluster = new TestCluster(fixture);
        string[] longer = ["--set", "multiteacher.online.epochs=8", "--set", "multiteacher.online.exchange-every=2", "--set", "multiteacher.online.peer-timeout=2s"];
        var survivor = StartPeer(cluster, "killed", 0, longer);
        var doomed = StartPeer(cluster, "killed", 1, longer);

        // In lockstep neither peer is more than one exchange ahead: at peer-0's first epoch peer-1 is far from done.
        await survivor.WaitForAsync("epoch 1/8", s_runTimeout);
        doomed.Kill();

        await FinishedAsync(cluster, survivor);
        var report = Report(cluster, 0);
        output.WriteLine(report.ToString());
        Assert.Equal(8 * 32, report.GetProperty("steps").GetInt64());
        Assert.Contains(report.GetProperty("incidents").EnumerateArray().Select(i => i.GetString()!),
            i => i.StartsWith("peer peer-1 sent no checkpoint of step", StringComparison.Ordinal) && i.Contains("within 2 s", StringComparison.Ordinal));
        Assert.Contains("1 incident(s)", survivor.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LateJoiner_GetsTheNewestCheckpointOfThePeerAhead_AndTheGroupStaysBitForBitTheSame()
    {
        var reference = await ReferenceAsync();
        using var cluster = new TestCluster(fixture);
        var early = StartPeer(cluster, "late", 0);
        // peer-0 has published its checkpoint of step 8 and waits there for a peer that does not exist yet.
        await early.WaitForAsync("first checkpoint published", s_runTimeout);
        var late = StartPeer(cluster, "late", 1);

        await FinishedAsync(cluster, early, late);

        Assert.Contains("peer-1 joined; re-sent checkpoint version 1 (step 8)", early.Output, StringComparison.Ordinal);
        var report = Report(cluster, 1);
        output.WriteLine(report.ToString());
        Assert.True(report.GetProperty("checkpoints_received").GetInt32() > 0);
        Assert.True(report.GetProperty("distilled_steps").GetInt64() > 0);
        Assert.Empty(report.GetProperty("incidents").EnumerateArray());
        for (var k = 0; k < 2; k++)
        {
            Assert.Equal(Weights(reference, $"codistilled_seed{Seed}_peer-{k}"), Weights(cluster.Out, $"peer-{k}"));
        }
    }

    private static NodeProcess StartPeer(TestCluster cluster, string group, int index, params string[] extra) => cluster.Start($"peer-{index}",
        ["node", "--roles", "student", "--peer-group", group, "--peer", index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--node-id", $"{group}-peer-{index}", "--out", cluster.Out, .. s_group, .. extra]);

    private static async Task FinishedAsync(TestCluster cluster, params NodeProcess[] peers)
    {
        foreach (var peer in peers)
        {
            var exit = await peer.WaitForExitAsync(s_runTimeout);
            Assert.True(exit == 0, $"{peer.Name} failed ({exit}):\n{cluster.Logs()}");
        }
    }

    private static JsonElement Report(TestCluster cluster, int index)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(cluster.Out, "peers", $"peer-{index}.json")));
        return json.RootElement.Clone();
    }

    private static float[] Weights(string outDirectory, string name) =>
        ModelCheckpoint.Load(Path.Combine(outDirectory, "peers", $"{name}.safetensors")).Model.Parameters.Values;

    /// <summary>The same group trained by `mt online` in one process (with the same configuration), once for the class.</summary>
    private async Task<string> ReferenceAsync()
    {
        await s_referenceGate.WaitAsync();
        try
        {
            if (s_reference is null)
            {
                var folder = Path.Combine(fixture.Directory, "online-reference");
                var clock = Stopwatch.StartNew();
                using var online = NodeProcess.Start("mt online", ["online", "--config", fixture.Config, "--out", folder, .. s_group], new Dictionary<string, string>());
                var exit = await online.WaitForExitAsync(s_runTimeout);
                Assert.True(exit == 0, $"mt online failed:\n{online.Output}");
                output.WriteLine($"mt online (independent and codistilled groups, one process): {clock.Elapsed.TotalSeconds:F1} s");
                s_reference = folder;
            }

            return s_reference;
        }
        finally
        {
            s_referenceGate.Release();
        }
    }
}
