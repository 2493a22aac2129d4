using Akka.TestKit;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Tests;

/// <summary>
/// Work pulling through the real pipeline actors (coordinator, teacher replicas on cached teacher passes, aggregator,
/// student): replicas that share a teacher, stop, become unreachable or join late leave the student exactly as the
/// uninterrupted single-process run trains it.
/// </summary>
[Collection(SingleThreadCollection.Name)]
public sealed class WorkPullingPipelineTests : ActorTestKit
{
    private const string Arch = "mlp:32-16-4";
    private static readonly LogitTable[] s_teachers = [Fixtures.TeacherLogits(1), Fixtures.TeacherLogits(2)];
    private static readonly string[] s_teacherIds = ["t0", "t1"];

    // 700 rows in shards of 48: 15 shards per epoch, 30 in all; 4 out at a time.
    private static readonly DistillationSettings s_settings = new()
    {
        Epochs = 2, BatchSize = 16, ShardSize = 48, MaxShardsInFlight = 4, ReplicaInFlight = 2, Seed = 5, Alpha = 0.7f, CheckpointEverySteps = 0,
    };

    private static readonly ShardPlanner s_planner = new(Fixtures.Data.Name, Fixtures.Data.Count, s_settings.Seed, s_settings.ShardSize);
    private static readonly TimeSpan s_runTimeout = TimeSpan.FromSeconds(60);
    private const int Shards = 30;

    [Fact]
    public async Task TwoReplicasPerTeacher_ShareTheShards_EachServedOnce_StudentEqualsTheSingleReplicaRun()
    {
        var run = Start();
        var sources = Enumerable.Range(0, 4).Select(i => new CountingSource(new CachedLogitSource(s_teachers[i % 2]))).ToArray();
        for (var i = 0; i < sources.Length; i++)
        {
            Sys.ActorOf(TeacherActor.Props(s_teacherIds[i % 2], sources[i], s_planner, run.Aggregator, run.Coordinator, s_settings.ReplicaInFlight));
        }

        await AwaitAssertAsync(async () => Assert.Equal(4, (await run.Coordinator.Ask<CoordinatorStats>(GetStats.Instance, TimeSpan.FromSeconds(3))).Replicas));
        run.Coordinator.Tell(new BeginRun(run.Aggregator));
        await run.Reports.FishForMessageAsync<RunCompleted>(_ => true, s_runTimeout);

        // Both replicas of each teacher worked, and together served each shard once.
        Assert.All(sources, s => Assert.True(s.Calls > 0, "a replica was never given a shard"));
        Assert.Equal(Shards, sources[0].Calls + sources[2].Calls);
        Assert.Equal(Shards, sources[1].Calls + sources[3].Calls);
        await AssertEveryShardOnceAsync(run, requeued: 0);
        Assert.Equal(await UninterruptedAsync(), run.Model.GetWeights());
    }

    [Fact]
    public async Task ReplicaStoppedMidRun_ItsShardsGoToTheOtherReplica_RunCompletesAsIfUninterrupted()
    {
        var run = Start();
        var stopped = CreateTestProbe();
        run.Coordinator.Tell(new RegisterReplica("t0", stopped, s_settings.ReplicaInFlight));
        Replica(run, 0);
        Replica(run, 1);
        run.Coordinator.Tell(new BeginRun(run.Aggregator));

        // It takes two shards and never answers: the run cannot pass the lower one until they go elsewhere.
        await stopped.ExpectMsgAsync<ShardRequest>();
        await stopped.ExpectMsgAsync<ShardRequest>();
        Sys.Stop(stopped.Ref);

        await run.Reports.FishForMessageAsync<RunCompleted>(_ => true, s_runTimeout);
        await AssertEveryShardOnceAsync(run, requeued: 2);
        Assert.Equal(await UninterruptedAsync(), run.Model.GetWeights());
    }

    [Fact]
    public async Task ReplicaUnreachable_ItsShardsGoToTheOtherReplica_AndItsLateOutputsAreDropped()
    {
        var run = Start();
        var slow = CreateTestProbe();
        run.Coordinator.Tell(new RegisterReplica("t0", slow, s_settings.ReplicaInFlight));
        Replica(run, 0);
        Replica(run, 1);
        run.Coordinator.Tell(new BeginRun(run.Aggregator));
        var held = new[] { await slow.ExpectMsgAsync<ShardRequest>(), await slow.ExpectMsgAsync<ShardRequest>() };

        run.Coordinator.Tell(new ReplicaUnreachable(slow));
        await run.Reports.FishForMessageAsync<RunCompleted>(_ => true, s_runTimeout);
        var weights = run.Model.GetWeights();

        // The slow replica was alive after all and answers: its outputs (wrong ones, so that using them would show)
        // come after the same shards were aggregated from the other replica.
        foreach (var request in held)
        {
            var rows = request.Shard.RowCount;
            run.Aggregator.Tell(new TeacherOutput("run", request.Shard, request.Sequence, "t0", 0, Fixtures.RandomLogits(rows, 9, 50f), rows, Fixtures.Classes), slow);
            run.Coordinator.Tell(new ShardServed("run", request.Sequence, "t0", slow), slow);
        }

        var aggregator = await run.Aggregator.Ask<AggregatorStats>(GetStats.Instance, TimeSpan.FromSeconds(3));
        Assert.Equal(2, aggregator.LateDropped);
        await AssertEveryShardOnceAsync(run, requeued: 2, late: 2);
        Assert.Equal(weights, run.Model.GetWeights());
        Assert.Equal(await UninterruptedAsync(), weights);
    }

    [Fact]
    public async Task ReplicaRestartedAfterAFailure_RegistersAgain_TheShardItFailedOnIsServedAgain_RunCompletesAsIfUninterrupted()
    {
        var run = Start();
        var flaky = new FailingOnceSource(new CachedLogitSource(s_teachers[0]));

        // Created under the user guardian, whose default strategy restarts a failed actor (its mailbox kept).
        await EventFilter.Exception<InvalidOperationException>(contains: "a passing fault").ExpectOneAsync(async () =>
        {
            Sys.ActorOf(TeacherActor.Props("t0", flaky, s_planner, run.Aggregator, run.Coordinator, s_settings.ReplicaInFlight));
            Replica(run, 1);
            run.Coordinator.Tell(new BeginRun(run.Aggregator));
            await run.Reports.FishForMessageAsync<RunCompleted>(_ => true, s_runTimeout);
        });

        var coordinator = await run.Coordinator.Ask<CoordinatorStats>(GetStats.Instance, TimeSpan.FromSeconds(3));
        var aggregator = await run.Aggregator.Ask<AggregatorStats>(GetStats.Instance, TimeSpan.FromSeconds(3));
        var student = await run.Student.Ask<StudentStats>(GetStats.Instance, TimeSpan.FromSeconds(3));
        Assert.Equal(2, coordinator.Requeued); // the shard it failed on, and the one still in its mailbox (served twice)
        Assert.Equal((Shards, 0, 0), (aggregator.Aggregated, aggregator.ClosedIncomplete, aggregator.RejectedOutputs));
        Assert.Equal(1, aggregator.DuplicatesDropped + aggregator.LateDropped);
        Assert.Equal((Shards, 0), (student.Trained, student.DuplicatesDropped));
        Assert.Equal(await UninterruptedAsync(), run.Model.GetWeights());
    }

    [Fact]
    public async Task ReplicaJoiningMidRun_TakesItsTeachersWaitingShards_RunCompletesAsIfUninterrupted()
    {
        var run = Start();
        Replica(run, 1);
        run.Coordinator.Tell(new BeginRun(run.Aggregator));

        // t0 has no replica: its work waits, and with it every shard (the deadline is far off in virtual time).
        await run.Reports.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        Replica(run, 0);

        await run.Reports.FishForMessageAsync<RunCompleted>(_ => true, s_runTimeout);
        await AssertEveryShardOnceAsync(run, requeued: 0);
        Assert.Equal(await UninterruptedAsync(), run.Model.GetWeights());
    }

    [Fact]
    public async Task TeacherWithoutReplica_ShardsCloseAtTheirDeadlineWithTheOthers_AndItsWorkIsNeverHandedOut()
    {
        // As across processes: a deadline that passes before t1 has answered waits on instead of failing the shard.
        var run = Start(s_settings with { FailUnansweredShards = false });
        Replica(run, 1);
        run.Coordinator.Tell(new BeginRun(run.Aggregator));

        // Progress and epochs are ignored: the only report is the end.
        var completed = false;
        for (var round = 0; round < 4 * Shards && !completed; round++)
        {
            await run.Aggregator.Ask<AggregatorStats>(GetStats.Instance, TimeSpan.FromSeconds(3)); // the announced shards have their timers
            Scheduler.Advance(s_settings.ShardDeadline);
            completed = await run.Reports.ReceiveOneAsync(TimeSpan.FromMilliseconds(200)) is RunCompleted;
        }

        Assert.True(completed, "the run did not complete");
        var aggregator = await run.Aggregator.Ask<AggregatorStats>(GetStats.Instance, TimeSpan.FromSeconds(3));
        Assert.Equal((Shards, Shards), (aggregator.Aggregated, aggregator.ClosedIncomplete));
        var late = CreateTestProbe();
        run.Coordinator.Tell(new RegisterReplica("t0", late, 2));
        await late.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    private Pipeline Start(DistillationSettings? settings = null)
    {
        settings ??= s_settings;
        var reports = CreateTestProbe();
        reports.IgnoreMessages(m => m is RunProgress or StudentEpochCompleted);
        var coordinator = Sys.ActorOf(ShardCoordinator.Props("run", s_planner, settings, s_teacherIds, reports), "coordinator");
        var model = Model.Create(Arch, 9);
        var student = Sys.ActorOf(StudentTrainer.Props(new StudentTrainerSetup("run", "student", model, Fixtures.Data, s_planner, Fixtures.SomeLabels(),
            settings, StudentEvaluation.None, coordinator, null, null)), "student");
        var aggregator = Sys.ActorOf(EnsembleAggregator.Props("run", s_teacherIds, settings, Fixtures.Classes, student, coordinator), "aggregator");
        return new Pipeline(coordinator, aggregator, student, reports, model);
    }

    private IActorRef Replica(Pipeline run, int teacher) =>
        Sys.ActorOf(TeacherActor.Props(s_teacherIds[teacher], new CachedLogitSource(s_teachers[teacher]), s_planner, run.Aggregator, run.Coordinator,
            s_settings.ReplicaInFlight));

    /// <summary>Every shard aggregated from every teacher and trained exactly once; nothing dropped but <paramref name="late"/> outputs.</summary>
    private static async Task AssertEveryShardOnceAsync(Pipeline run, int requeued, int late = 0)
    {
        var timeout = TimeSpan.FromSeconds(3);
        var coordinator = await run.Coordinator.Ask<CoordinatorStats>(GetStats.Instance, timeout);
        var aggregator = await run.Aggregator.Ask<AggregatorStats>(GetStats.Instance, timeout);
        var student = await run.Student.Ask<StudentStats>(GetStats.Instance, timeout);
        Assert.Equal((Shards, Shards, Shards), (coordinator.Dispatched, coordinator.Trained, coordinator.Total));
        Assert.Equal(requeued, coordinator.Requeued);
        Assert.Equal((Shards, 0, late, 0, 0), (aggregator.Aggregated, aggregator.DuplicatesDropped, aggregator.LateDropped, aggregator.ClosedIncomplete,
            aggregator.RejectedOutputs));
        Assert.Equal((Shards, 0), (student.Trained, student.DuplicatesDropped));
    }

    /// <summary>The student of the single-process pipeline (one replica per teacher, nothing lost) with the same seed.</summary>
    private async Task<float[]> UninterruptedAsync()
    {
        var student = Model.Create(Arch, 9);
        var teachers = s_teachers.Select((table, i) => new PipelineTeacher(s_teacherIds[i], new CachedLogitSource(table))).ToList();
        var result = await DistillationPipeline.RunAsync(new PipelineRequest("reference", teachers, student, Fixtures.Data, Fixtures.SomeLabels(), s_settings), Sys);
        Assert.Equal(Shards, result.Shards.Trained);
        return student.GetWeights();
    }

    /// <summary>The actors of one run, the probe they report to, and the student network they train.</summary>
    private sealed record Pipeline(IActorRef Coordinator, IActorRef Aggregator, IActorRef Student, TestProbe Reports, Model Model);

    /// <summary>A teacher pass whose first call fails.</summary>
    private sealed class FailingOnceSource(ILogitSource inner) : ILogitSource
    {
        private int _calls;

        public int Classes => inner.Classes;

        public long Version => inner.Version;

        public void Logits(ReadOnlySpan<int> rows, Span<float> destination)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                throw new InvalidOperationException("a passing fault");
            }

            inner.Logits(rows, destination);
        }
    }

    /// <summary>A teacher pass that counts the shards it computed.</summary>
    private sealed class CountingSource(ILogitSource inner) : ILogitSource
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public int Classes => inner.Classes;

        public long Version => inner.Version;

        public void Logits(ReadOnlySpan<int> rows, Span<float> destination)
        {
            Interlocked.Increment(ref _calls);
            inner.Logits(rows, destination);
        }
    }
}
