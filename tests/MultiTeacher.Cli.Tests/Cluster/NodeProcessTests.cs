using System.Diagnostics;
using System.Text.Json;
using MultiTeacher.Core.Checkpoints;
using Xunit.Abstractions;

namespace MultiTeacher.Cli.Tests.Cluster;

/// <summary>
/// A distillation across processes of the built CLI on loopback: a coordinator node and two teacher nodes that each
/// serve both teachers. kill -9 of one teacher node mid-run costs time, not shards: the run completes, every shard
/// aggregated and trained exactly once, and the student equals the uninterrupted run's bit for bit. kill -9 of the
/// coordinator's node stops the run; <c>--resume</c> goes on from the student's saved state to the same student.
/// </summary>
public sealed class NodeProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_run = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task TeacherKilled_RunCompletesEveryShardOnce_CoordinatorKilled_ResumeFinishes_StudentsEqualTheUninterruptedRun()
    {
        using var dir = new TempDirectory();
        var config = ClusterRunFolder.Write(dir.Path);

        var whole = await RunAsync(config, Path.Combine(dir.Path, "whole"), Interruption.None);
        var killed = await RunAsync(config, Path.Combine(dir.Path, "killed"), Interruption.KillTeacher);
        var resumed = await RunAsync(config, Path.Combine(dir.Path, "resumed"), Interruption.KillCoordinatorAndResume);

        var planned = whole.GetProperty("shards").GetProperty("planned").GetInt32();
        foreach (var summary in new[] { whole, killed })
        {
            var s = summary.GetProperty("shards");
            Assert.Equal((planned, planned, planned, 0, 0), (s.GetProperty("planned").GetInt32(), s.GetProperty("aggregated").GetInt32(),
                s.GetProperty("trained").GetInt32(), s.GetProperty("closed_incomplete").GetInt32(), s.GetProperty("rejected_outputs").GetInt32()));
        }

        // The coordinator dropped the killed node's two replicas mid-run; whatever they held went to the other node
        // (how much depends on the moment: the student, not the teachers, is the bottleneck of this run).
        Assert.Equal((4, 0L), (Counter(whole, "replicas_at_end"), whole.GetProperty("cluster").GetProperty("redeliveries").GetInt64()));
        Assert.Equal(2, Counter(killed, "replicas_at_end"));
        var requeued = killed.GetProperty("cluster").GetProperty("redeliveries").GetInt64();
        var reference = Weights(Path.Combine(dir.Path, "whole"));
        Assert.Equal(reference, Weights(Path.Combine(dir.Path, "killed")));
        Assert.Equal(reference, Weights(Path.Combine(dir.Path, "resumed")));

        // The resumed run aggregated only what the first one had not trained.
        var rest = resumed.GetProperty("shards").GetProperty("aggregated").GetInt32();
        Assert.InRange(rest, 1, planned - 1);
        var cost = killed.GetProperty("elapsed_seconds").GetDouble() - whole.GetProperty("elapsed_seconds").GetDouble();
        output.WriteLine($"{planned} shards; uninterrupted {whole.GetProperty("elapsed_seconds")} s, with a teacher process killed " +
            $"{killed.GetProperty("elapsed_seconds")} s: the kill cost {cost:0.0} s ({requeued} shard requests handed out again); the resumed run " +
            $"aggregated the last {rest}");
    }

    private enum Interruption
    {
        None,
        KillTeacher,
        KillCoordinatorAndResume,
    }

    /// <summary>
    /// Runs the distillation on a coordinator node and two teacher nodes, interrupted once the student has trained a
    /// few shards as <paramref name="interruption"/> says; <paramref name="resume"/> goes on from the saved state in
    /// <paramref name="outDirectory"/>. Returns summary.json.
    /// </summary>
    private async Task<JsonElement> RunAsync(string config, string outDirectory, Interruption interruption, bool resume = false)
    {
        var seedPort = NodeProcess.FreePort();
        var seed = $"akka.tcp://multiteacher@127.0.0.1:{seedPort}";

        // No member is Up (and so no run begins) before both teacher nodes have joined: both take work from the start.
        string[] common = ["--config", config, "--hostname", "127.0.0.1", "--set", "akka.cluster.role.teacher.min-nr-of-members=2"];
        using var coordinator = NodeProcess.Start("coordinator",
            [.. common, "--roles", "coordinator,aggregator,student", "--port", $"{seedPort}", resume ? "--resume" : "--out", outDirectory]);
        await coordinator.WaitForOutputAsync("starts a new cluster", s_run);
        using var first = NodeProcess.Start("teacher-a", [.. common, "--roles", "teacher", "--port", "0", "--seed-nodes", seed]);
        using var second = NodeProcess.Start("teacher-b", [.. common, "--roles", "teacher", "--port", "0", "--seed-nodes", seed]);
        try
        {
            if (interruption != Interruption.None)
            {
                await ShardsTrainedAsync(coordinator, outDirectory);
                (interruption == Interruption.KillTeacher ? second : coordinator).KillHard();
            }

            if (interruption == Interruption.KillCoordinatorAndResume)
            {
                // The run stops cleanly: the teacher nodes, cut off from the coordinator (the oldest, which the Split
                // Brain Resolver keeps), are downed and end, saying so. A new cluster goes on from the saved state.
                foreach (var teacher in new[] { first, second })
                {
                    Assert.True(await teacher.WaitAsync(s_run) == 1, $"{teacher.Name} did not end as downed:\n{teacher.Output}");
                    Assert.Contains("downed", teacher.Output, StringComparison.Ordinal);
                }

                Assert.False(File.Exists(Path.Combine(outDirectory, "summary.json")), "the killed run wrote a summary");
                return await RunAsync(config, outDirectory, Interruption.None, resume: true);
            }

            Assert.True(await coordinator.WaitAsync(s_run) == 0, $"coordinator failed:\n{coordinator.Output}\nteacher-a:\n{first.Output}\nteacher-b:\n{second.Output}");
            first.Terminate();
            Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(30)) == 0, $"teacher-a did not leave cleanly on SIGTERM:\n{first.Output}");
            output.WriteLine($"--- coordinator ---\n{coordinator.Output}\n--- teacher-a ---\n{first.Output}");
            return JsonDocument.Parse(File.ReadAllText(Path.Combine(outDirectory, "summary.json"))).RootElement.Clone();
        }
        catch
        {
            output.WriteLine($"--- coordinator ---\n{coordinator.Output}\n--- teacher-a ---\n{first.Output}\n--- teacher-b ---\n{second.Output}");
            throw;
        }
    }

    /// <summary>Waits until the student has saved its state (after its first trained shards), while the run goes on.</summary>
    private static async Task ShardsTrainedAsync(NodeProcess coordinator, string outDirectory)
    {
        var state = Path.Combine(outDirectory, "students", "student.state.safetensors");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(state) && !coordinator.HasExited && clock.Elapsed < s_run)
        {
            await Task.Delay(10);
        }

        await Task.Delay(200);
        Assert.False(coordinator.HasExited, $"the run ended before the kill:\n{coordinator.Output}");
    }

    private static int Counter(JsonElement summary, string name) =>
        (int)summary.GetProperty("cluster").GetProperty("node_reports")[0].GetProperty("counters").GetProperty(name).GetDouble();

    private static float[] Weights(string outDirectory) =>
        ModelCheckpoint.Load(Path.Combine(outDirectory, "students", "student.safetensors")).Model.GetWeights();
}
