using System.Diagnostics;
using System.Text.Json;
using MultiTeacher.Core.Checkpoints;
using Xunit.Abstractions;

namespace MultiTeacher.Cli.Tests.Cluster;

/// <summary>
/// A distillation across processes of the built CLI on loopback: a coordinator node and two teacher nodes that each
/// serve both teachers. kill -9 of one teacher node mid-run costs time, not shards: the run completes, every shard
/// aggregated and trained exactly once, and the student equals the uninterrupted run's bit for bit.
/// </summary>
public sealed class NodeProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_run = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task TeacherProcessKilledMidRun_RunCompletes_EveryShardOnce_StudentEqualsTheUninterruptedRun()
    {
        using var dir = new TempDirectory();
        var config = ClusterRunFolder.Write(dir.Path);

        var whole = await RunAsync(config, Path.Combine(dir.Path, "whole"), kill: false);
        var killed = await RunAsync(config, Path.Combine(dir.Path, "killed"), kill: true);

        var shards = whole.GetProperty("shards");
        var planned = shards.GetProperty("planned").GetInt32();
        foreach (var summary in new[] { whole, killed })
        {
            var s = summary.GetProperty("shards");
            Assert.Equal((planned, planned, planned, 0, 0), (s.GetProperty("planned").GetInt32(), s.GetProperty("aggregated").GetInt32(),
                s.GetProperty("trained").GetInt32(), s.GetProperty("closed_incomplete").GetInt32(), s.GetProperty("rejected_outputs").GetInt32()));
        }

        Assert.Equal(0, whole.GetProperty("cluster").GetProperty("redeliveries").GetInt64());
        Assert.True(killed.GetProperty("cluster").GetProperty("redeliveries").GetInt64() > 0,
            "the killed node held shards that were handed to the other node");
        Assert.Equal(Weights(Path.Combine(dir.Path, "whole")), Weights(Path.Combine(dir.Path, "killed")));
        var cost = killed.GetProperty("elapsed_seconds").GetDouble() - whole.GetProperty("elapsed_seconds").GetDouble();
        output.WriteLine($"{planned} shards; uninterrupted {whole.GetProperty("elapsed_seconds")} s, with a teacher process killed " +
            $"{killed.GetProperty("elapsed_seconds")} s: the kill cost {cost:0.0} s");
    }

    /// <summary>
    /// Runs the distillation on a coordinator node and two teacher nodes; with <paramref name="kill"/>, kill -9 of the
    /// second teacher node once the student has trained its first shard. Returns summary.json.
    /// </summary>
    private async Task<JsonElement> RunAsync(string config, string outDirectory, bool kill)
    {
        var port = NodeProcess.FreePort();
        var seed = $"akka.tcp://multiteacher@127.0.0.1:{port}";
        // No member is Up (and so no run begins) before both teacher nodes have joined: both take work from the start.
        string[] common = ["--config", config, "--hostname", "127.0.0.1", "--set", "akka.cluster.role.teacher.min-nr-of-members=2"];
        using var coordinator = NodeProcess.Start("coordinator", [.. common, "--roles", "coordinator,aggregator,student", "--port", $"{port}", "--out", outDirectory]);
        await coordinator.WaitForOutputAsync("starts a new cluster", s_run);
        using var first = NodeProcess.Start("teacher-a", [.. common, "--roles", "teacher", "--port", "0", "--seed-nodes", seed]);
        using var second = NodeProcess.Start("teacher-b", [.. common, "--roles", "teacher", "--port", "0", "--seed-nodes", seed]);
        try
        {
            if (kill)
            {
                var state = Path.Combine(outDirectory, "students", "student.state.safetensors");
                var clock = Stopwatch.StartNew();
                while (!File.Exists(state) && !coordinator.HasExited && clock.Elapsed < s_run)
                {
                    await Task.Delay(10);
                }

                Assert.False(coordinator.HasExited, $"the run ended before the kill:\n{coordinator.Output}");
                second.KillHard();
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

    private static float[] Weights(string outDirectory) =>
        ModelCheckpoint.Load(Path.Combine(outDirectory, "students", "student.safetensors")).Model.GetWeights();
}
