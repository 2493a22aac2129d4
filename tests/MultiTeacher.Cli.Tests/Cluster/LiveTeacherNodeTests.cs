using System.Text.Json;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Models;
using Xunit.Abstractions;

namespace MultiTeacher.Cli.Tests.Cluster;

/// <summary>
/// <c>mt node --roles teacher --live</c>: a teacher node that runs its teacher network on every shard as it is asked
/// for instead of computing a cached teacher pass first (what <c>mt bench cluster</c> measures).
/// </summary>
public sealed class LiveTeacherNodeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_run = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task LiveTeacherNode_ServesEveryShardOfTheRun_WithoutACachedTeacherPass()
    {
        using var dir = new TempDirectory();
        var config = ClusterRunFolder.Write(dir.Path, trainRows: 3000, epochs: 1);
        var teacher = Path.Combine(dir.Path, "net.safetensors");
        ModelCheckpoint.Save(Model.Create($"mlp:{ClusterRunFolder.Features}-16-{ClusterRunFolder.Classes}", 5), teacher);
        File.AppendAllText(config, "multiteacher.distill.teachers = [net.safetensors]\nmultiteacher.distill.teacher-logits = [t0.npy]\n");
        var seedPort = NodeProcess.FreePort();
        string[] common = ["--config", config, "--hostname", "127.0.0.1"];
        var outDirectory = Path.Combine(dir.Path, "out");

        using var coordinator = NodeProcess.Start("coordinator", [.. common, "--roles", "coordinator,aggregator,student", "--port", $"{seedPort}", "--out", outDirectory]);
        await coordinator.WaitForOutputAsync("starts a new cluster", s_run);
        using var live = NodeProcess.Start("teacher", [.. common, "--roles", "teacher", "--live", "--port", "0", "--seed-nodes", $"akka.tcp://multiteacher@127.0.0.1:{seedPort}"]);
        try
        {
            Assert.True(await coordinator.WaitAsync(s_run) == 0, $"coordinator failed:\n{coordinator.Output}\nteacher:\n{live.Output}");
            await HotSwapAsync(dir.Path, live, teacher);
            live.Terminate();
            Assert.True(await live.WaitAsync(TimeSpan.FromSeconds(30)) == 0, $"the teacher node did not leave cleanly on SIGTERM:\n{live.Output}");
        }
        finally
        {
            output.WriteLine($"--- coordinator ---\n{coordinator.Output}\n--- teacher ---\n{live.Output}");
        }

        var shards = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDirectory, "summary.json"))).RootElement.GetProperty("shards");
        var planned = shards.GetProperty("planned").GetInt32();
        Assert.True(planned > 0);
        Assert.Equal((planned, planned, 0), (shards.GetProperty("aggregated").GetInt32(), shards.GetProperty("trained").GetInt32(),
            shards.GetProperty("closed_incomplete").GetInt32()));
        // A cached pass would have left its .logits.npy beside the teacher file.
        Assert.Empty(Directory.GetFiles(dir.Path, "net.*.logits.npy"));
        Assert.Contains("replica(s) each, live", live.Output, StringComparison.Ordinal);
        Assert.Contains("serving teacher(s) t0, net", live.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>mt checkpoint publish</c> to the live node once the run is over (it keeps the network for the next run): a
    /// newer version of the same shape is swapped in; an older one is ignored; another shape and a teacher served from
    /// logits are refused, with exit code 1 and the node's reason.
    /// </summary>
    private async Task HotSwapAsync(string directory, NodeProcess live, string teacher)
    {
        var address = System.Text.RegularExpressions.Regex.Match(live.Output, @"(akka\.tcp://multiteacher@127\.0\.0\.1:\d+) is up").Groups[1].Value;
        var newer = Path.Combine(directory, "net-v2.safetensors");
        ModelCheckpoint.Save(Model.Create($"mlp:{ClusterRunFolder.Features}-16-{ClusterRunFolder.Classes}", 6), newer);
        var otherShape = Path.Combine(directory, "net-small.safetensors");
        ModelCheckpoint.Save(Model.Create($"mlp:{ClusterRunFolder.Features}-8-{ClusterRunFolder.Classes}", 7), otherShape);
        Task<(int ExitCode, string Out, string Err)> Publish(string file, string id, int version) =>
            MtProcess.RunAsync(["checkpoint", "publish", file, "--model-id", id, "--version", $"{version}", "--seed-nodes", address, "--hostname", "127.0.0.1", "--wait", "3"]);

        var swapped = await Publish(newer, "net", 2);
        output.WriteLine(swapped.Out + swapped.Err);
        Assert.True(swapped.ExitCode == 0, $"not swapped: {swapped.Out}{swapped.Err}\nnode:\n{live.Output}");
        Assert.Contains("swapped: teacher net: version 0 → 2", swapped.Out, StringComparison.Ordinal);

        var answers = await Task.WhenAll(Publish(teacher, "net", 1), Publish(otherShape, "net", 3), Publish(newer, "t0", 4));
        Assert.All(answers, a => Assert.Equal(1, a.ExitCode));
        Assert.Contains("ignored: teacher net: checkpoint version 1 ignored", answers[0].Out, StringComparison.Ordinal);
        Assert.Contains($"is mlp:{ClusterRunFolder.Features}-8-{ClusterRunFolder.Classes} with 556 parameters, this teacher is " +
            $"mlp:{ClusterRunFolder.Features}-16-{ClusterRunFolder.Classes} with 1,108; it keeps serving version 2", answers[1].Out, StringComparison.Ordinal);
        Assert.Contains("only a teacher node started with --live", answers[2].Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LiveWithSeveralReplicas_IsRefusedNamingBothOptions()
    {
        var (code, _, stderr) = await MtProcess.RunAsync(["node", "--roles", "teacher", "--live", "--replicas", "2"]);

        Assert.Equal(2, code);
        Assert.Contains("--live", stderr, StringComparison.Ordinal);
        Assert.Contains("--replicas 2", stderr, StringComparison.Ordinal);
    }
}
