using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using MultiTeacher.Cluster.Runs;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Teachers;
using Xunit.Abstractions;

namespace MultiTeacher.Cluster.Tests.Runs;

/// <summary>
/// Teacher hot swap across nodes: a checkpoint of a teacher published on the cluster mid-run reaches the teacher node,
/// whose replica swaps the weights between two shards; later shards carry the new version and none mixes two. An
/// older version published afterwards is ignored; one of another shape, or one for a cached teacher pass, is refused
/// with a logged error and the node keeps serving what it had.
/// </summary>
public sealed class TeacherHotSwapTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    private readonly ITestOutputHelper _output = output;

    private static readonly TimeSpan s_up = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_run = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan s_answer = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task CheckpointPublishedMidRun_LaterShardsCarryTheNewVersion_OlderIgnored_OtherShapeAndCachedPassRefused()
    {
        var coordinator = StartNode("127.0.0.2", null, "coordinator", "aggregator", "student");
        var teacherNode = StartNode("127.0.0.3", coordinator, "teacher");
        await AllUp(2, s_up, coordinator, teacherNode);
        var live = new ModelLogitSource(Model.Create(RunFixtures.Arch, 31), RunFixtures.Data);
        var cached = new SlowCountingSource(new CachedLogitSource(RunFixtures.Teachers[1]), TimeSpan.FromMilliseconds(250)); // paces the run: ~8 s
        teacherNode.System.ActorOf(TeacherHost.Props([RunFixtures.Served(0, live), RunFixtures.Served(1, cached)], RunFixtures.Planner, replicas: 1,
            DistributedPubSub.Get(teacherNode.System).Mediator), "teachers");
        var aggregated = new ConcurrentQueue<(TimeSpan At, ShardAggregated Shard)>();
        var clock = Stopwatch.StartNew();
        var recorder = coordinator.System.ActorOf(Props.Create(() => new Recorder(aggregated, clock)));
        coordinator.System.EventStream.Subscribe(recorder, typeof(ShardAggregated));

        var midRun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var request = RunFixtures.Request("swap", Model.Create(RunFixtures.Arch, 9)) with { OnShardTrained = (trained, _) => { if (trained >= 4) midRun.TrySetResult(); } };
        var running = ClusterRun.RunAsync(coordinator, request, RunFixtures.Announced);
        await midRun.Task.WaitAsync(s_run);

        var version2 = Model.Create(RunFixtures.Arch, 77).GetWeights();
        var published = clock.Elapsed;
        var swapped = await PublishAsync(coordinator, Checkpoint("t0", 2, RunFixtures.Arch, version2));
        var answeredAt = clock.Elapsed;
        Assert.Equal(SwapOutcome.Swapped, swapped.Outcome);
        Assert.Equal(teacherNode.Address.ToString(), swapped.Node);

        var older = await PublishAsync(coordinator, Checkpoint("t0", 1, RunFixtures.Arch, Model.Create(RunFixtures.Arch, 78).GetWeights()));
        Assert.Equal(SwapOutcome.Ignored, older.Outcome);
        Assert.Contains("holds version 2", older.Text);

        var otherShape = await PublishAsync(coordinator, Checkpoint("t0", 5, "mlp:32-8-4", Model.Create("mlp:32-8-4", 79).GetWeights()));
        Assert.Equal(SwapOutcome.Refused, otherShape.Outcome);
        foreach (var part in new[] { "teacher t0", "mlp:32-8-4 with 300 parameters", "mlp:32-16-4 with 596", "keeps serving version 2" })
        {
            Assert.Contains(part, otherShape.Text);
        }

        var toCachedPass = await PublishAsync(coordinator, Checkpoint("t1", 3, RunFixtures.Arch, version2));
        Assert.Equal(SwapOutcome.Refused, toCachedPass.Outcome);
        Assert.Contains("--live", toCachedPass.Text);

        var result = await running.WaitAsync(s_run);
        Assert.Equal((RunFixtures.Shards, 0, 0), (result.Shards.Trained, result.Shards.ClosedIncomplete, result.Aggregator.VersionConflicts));
        await AwaitConditionAsync(() => Task.FromResult(aggregated.Count == RunFixtures.Shards), s_up);
        var shards = aggregated.ToList();
        Assert.All(shards, s => Assert.Equal(0L, s.Shard.TeacherVersions["t1"]));
        var versions = shards.Select(s => s.Shard.TeacherVersions["t0"]).ToList();
        Assert.All(versions, v => Assert.Contains(v, new[] { 0L, 2L }));
        var firstNew = versions.IndexOf(2);
        Assert.InRange(firstNew, 1, shards.Count - 1);
        Assert.Equal(2L, versions[^1]);

        // Shards already handed to the replica before the swap may close after a version-2 shard: no more than it holds.
        Assert.InRange(versions.Skip(firstNew).Count(v => v == 0), 0, RunFixtures.Settings.ReplicaInFlight);
        Assert.Equal(2L, live.Version);
        Assert.Equal(version2, live.Model.GetWeights());
        Assert.Contains(CapturingLogger.EventsOf(teacherNode.System), e => e is Error && e.Message.ToString()!.Contains("mlp:32-8-4 with 300 parameters"));
        _output.WriteLine($"published at {published.TotalSeconds:0.00} s, answered (swapped) at {answeredAt.TotalSeconds:0.00} s, first shard of version 2 " +
            $"aggregated at {shards[firstNew].At.TotalSeconds:0.00} s; {versions.Count(v => v == 2)} of {shards.Count} shards of version 2");
    }

    private static Checkpoint Checkpoint(string teacherId, long version, string arch, float[] weights) =>
        new(teacherId, version, 0, arch, weights, new Dictionary<string, double>());

    private static async Task<TeacherCheckpointAnswer> PublishAsync(ClusterNode node, Checkpoint checkpoint) =>
        Assert.Single(await TeacherCheckpoints.PublishAsync(node.System, checkpoint, s_answer, expectedAnswers: 1));

    /// <summary>Keeps every <see cref="ShardAggregated"/> with the time it was seen.</summary>
    private sealed class Recorder : ReceiveActor
    {
        public Recorder(ConcurrentQueue<(TimeSpan, ShardAggregated)> seen, Stopwatch clock) =>
            Receive<ShardAggregated>(s => seen.Enqueue((clock.Elapsed, s)));
    }
}
