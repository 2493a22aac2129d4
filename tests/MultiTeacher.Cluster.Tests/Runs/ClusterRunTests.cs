using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using MultiTeacher.Cluster.Runs;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Teachers;
using Xunit.Abstractions;

namespace MultiTeacher.Cluster.Tests.Runs;

/// <summary>
/// A distillation run across nodes: the run's actors on a coordinator node, its teachers served by replicas that
/// teacher nodes start when the run is announced. The student ends exactly as in the one-process run with the same
/// seed, whether or not a teacher node is lost mid-run.
/// </summary>
public sealed class ClusterRunTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    private static readonly TimeSpan s_up = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_run = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan s_shardTime = TimeSpan.FromMilliseconds(40);

    [Fact]
    public async Task TwoTeacherNodes_ServeTheRun_StudentEqualsTheOneProcessRun()
    {
        var (coordinator, a, b) = await ThreeNodesAsync();
        var onA = Host(a, 0, 1);
        var onB = Host(b, 0, 1);

        var student = Model.Create(RunFixtures.Arch, 9);
        var result = await ClusterRun.RunAsync(coordinator, RunFixtures.Request("across", student), RunFixtures.Announced).WaitAsync(s_run);

        AssertEveryShardOnce(result);
        Assert.Equal(0, result.Coordinator!.Requeued);
        Assert.Equal(RunFixtures.Shards * 2, onA.Sum(s => s.Calls) + onB.Sum(s => s.Calls));
        Assert.True(onA.Sum(s => s.Calls) > 0 && onB.Sum(s => s.Calls) > 0, "both teacher nodes take work");
        Assert.Equal(await OneProcessAsync(), student.GetWeights());
    }

    [Fact]
    public async Task TeacherNodeStoppedMidRun_WithoutLeaving_RunCompletes_EveryShardOnce_StudentEqualsTheOneProcessRun()
    {
        var (coordinator, a, b) = await ThreeNodesAsync();
        Host(a, 0, 1);
        var onB = Host(b, 0, 1);

        var student = Model.Create(RunFixtures.Arch, 9);
        var midRun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var request = RunFixtures.Request("killed", student) with { OnShardTrained = (trained, _) => { if (trained >= 6) midRun.TrySetResult(); } };
        var running = ClusterRun.RunAsync(coordinator, request, RunFixtures.Announced);
        await midRun.Task.WaitAsync(s_run);

        // b's replicas stop answering with a shard in hand; b goes silent without leaving and the held shards are
        // never answered.
        Array.ForEach(onB, s => s.Hold());
        await AwaitConditionAsync(() => Task.FromResult(onB.Sum(s => s.Held) > 0), s_run, TimeSpan.FromMilliseconds(100)); // TestKit polls every tenth of the wait otherwise
        var aborted = Abort(b);
        await Task.Delay(100);
        Array.ForEach(onB, s => s.Drop());

        var result = await running.WaitAsync(s_run);
        await aborted;
        AssertEveryShardOnce(result);
        Assert.True(result.Coordinator!.Requeued > 0, "the stopped node held work that went to the other node");
        Assert.Equal(await OneProcessAsync(), student.GetWeights());
    }

    [Fact]
    public async Task TeacherFileDiffers_ThatNodeIsRefused_WithNodeTeacherFileAndBothHashes_TheOtherNodeServes()
    {
        var (coordinator, a, b) = await ThreeNodesAsync();
        var differing = new SlowCountingSource(new CachedLogitSource(RunFixtures.Teachers[0]), TimeSpan.Zero);
        var servedT1 = Source(1);
        StartHost(a, [RunFixtures.Served(0, differing, sha256: "ffff"), RunFixtures.Served(1, servedT1)]);
        Host(b, 0);

        var student = Model.Create(RunFixtures.Arch, 9);
        var result = await ClusterRun.RunAsync(coordinator, RunFixtures.Request("hashes", student), RunFixtures.Announced).WaitAsync(s_run);

        AssertEveryShardOnce(result);
        Assert.Equal(0, differing.Calls);
        Assert.Equal(await OneProcessAsync(), student.GetWeights());
        var expected = $"node {a.Address} refuses to serve teacher 't0' to run hashes: its file /teachers/t0.safetensors has SHA-256 ffff, " +
            $"the run's copy has {RunFixtures.Hashes[0]}";
        foreach (var node in new[] { a, coordinator })
        {
            Assert.Contains(CapturingLogger.EventsOf(node.System), e => e is Error && e.Message.ToString()!.Contains(expected));
        }

        Assert.Equal(RunFixtures.Shards, servedT1.Calls); // the node still serves the teacher whose file matches
    }

    private async Task<(ClusterNode Coordinator, ClusterNode A, ClusterNode B)> ThreeNodesAsync()
    {
        var coordinator = StartNode("127.0.0.2", null, "coordinator", "aggregator", "student");
        var a = StartNode("127.0.0.3", coordinator, "teacher");
        var b = StartNode("127.0.0.4", coordinator, "teacher");
        await AllUp(3, s_up, coordinator, a, b);
        return (coordinator, a, b);
    }

    /// <summary>Starts a teacher host on <paramref name="node"/> serving the given teachers, one replica each; returns their sources.</summary>
    private static SlowCountingSource[] Host(ClusterNode node, params int[] teachers)
    {
        var sources = teachers.Select(Source).ToArray();
        StartHost(node, [.. teachers.Select((t, i) => RunFixtures.Served(t, sources[i]))]);
        return sources;
    }

    private static void StartHost(ClusterNode node, IReadOnlyList<ServedTeacher> teachers) =>
        node.System.ActorOf(TeacherHost.Props(teachers, RunFixtures.Planner, replicas: 1, DistributedPubSub.Get(node.System).Mediator), "teachers");

    private static SlowCountingSource Source(int teacher) => new(new CachedLogitSource(RunFixtures.Teachers[teacher]), s_shardTime);

    private static void AssertEveryShardOnce(PipelineResult result)
    {
        const int shards = RunFixtures.Shards;
        Assert.Equal((shards, shards, shards, 0, 0, 0), (result.Shards.Planned, result.Shards.Aggregated, result.Shards.Trained,
            result.Shards.DuplicatesDropped - result.Aggregator.LateDropped, result.Shards.ClosedIncomplete, result.Shards.RejectedOutputs));
        Assert.Equal(0, result.Aggregator.DuplicatesDropped);
        Assert.Equal(0, result.Student.DuplicatesDropped);
    }

    /// <summary>The student of the one-process run (one replica per teacher, nothing lost) with the same seed.</summary>
    private async Task<float[]> OneProcessAsync()
    {
        var student = Model.Create(RunFixtures.Arch, 9);
        var teachers = RunFixtures.TeacherIds.Select((id, i) => new PipelineTeacher(id, new CachedLogitSource(RunFixtures.Teachers[i]))).ToList();
        var result = await DistillationPipeline.RunAsync(new PipelineRequest("reference", teachers, student, RunFixtures.Data, RunFixtures.Labels,
            RunFixtures.Settings), Sys);
        Assert.Equal(RunFixtures.Shards, result.Shards.Trained);
        return student.GetWeights();
    }
}
