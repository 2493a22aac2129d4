using Akka.TestKit;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Losses;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Distillation.Tests;

public sealed class EnsembleAggregatorTests : ActorTestKit
{
    private const int Rows = 5;
    private static readonly Shard s_shard = new("data", 0, 0, Rows);
    private static readonly DistillationSettings s_settings = new() { Temperature = 2f, ShardDeadline = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task TeacherOutput_EveryTeacherAnswered_SendsTheirTemperedAverageOnce()
    {
        var (aggregator, student, _) = Create(["a", "b"]);
        var a = Fixtures.RandomLogits(Rows, 1);
        var b = Fixtures.RandomLogits(Rows, 2);

        aggregator.Tell(new ExpectShard("run", s_shard, 0));
        aggregator.Tell(OutputOf("a", a));
        aggregator.Tell(OutputOf("b", b));

        var targets = await student.ExpectMsgAsync<AggregatedTargets>();
        Assert.Equal(["a", "b"], targets.TeachersUsed);
        Assert.Empty(targets.MissingTeachers);
        Assert.Equal(Expected([a, b], [1f, 1f]), targets.Targets);
        await student.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task TeacherOutput_SameTeacherTwice_SecondIsDroppedAndCounted()
    {
        var (aggregator, student, _) = Create(["a", "b"]);
        var a = Fixtures.RandomLogits(Rows, 1);

        aggregator.Tell(OutputOf("a", a));
        aggregator.Tell(OutputOf("a", Fixtures.RandomLogits(Rows, 7)));
        aggregator.Tell(OutputOf("b", Fixtures.RandomLogits(Rows, 2)));
        aggregator.Tell(OutputOf("b", Fixtures.RandomLogits(Rows, 2)));

        var targets = await student.ExpectMsgAsync<AggregatedTargets>();
        Assert.Equal(Expected([a, Fixtures.RandomLogits(Rows, 2)], [1f, 1f]), targets.Targets);
        var stats = await aggregator.Ask<AggregatorStats>(new GetStats(), TimeSpan.FromSeconds(3));
        Assert.Equal(1, stats.DuplicatesDropped);
        Assert.Equal(1, stats.LateDropped);
    }

    [Fact]
    public async Task Deadline_OneTeacherSilent_ClosesWithTheOthersAndNamesTheMissing()
    {
        var (aggregator, student, _) = Create(["a", "b", "c"], weights: [1f, 3f, 1f]);
        var a = Fixtures.RandomLogits(Rows, 1);
        var c = Fixtures.RandomLogits(Rows, 3);
        aggregator.Tell(new ExpectShard("run", s_shard, 0));
        aggregator.Tell(OutputOf("a", a));
        aggregator.Tell(OutputOf("c", c));
        await student.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        await aggregator.Ask<AggregatorStats>(new GetStats(), TimeSpan.FromSeconds(3)); // every output handled, the deadline timer set

        await EventFilter.Warning(contains: "closed at its deadline without b").ExpectOneAsync(() =>
        {
            Scheduler.Advance(TimeSpan.FromSeconds(10));
            return Task.CompletedTask;
        });

        var targets = await student.ExpectMsgAsync<AggregatedTargets>();
        Assert.Equal(["a", "c"], targets.TeachersUsed);
        Assert.Equal(["b"], targets.MissingTeachers);
        Assert.Equal([0.5f, 0.5f], targets.Weights);
        Assert.Equal(Expected([a, c], [1f, 1f]), targets.Targets);
        var stats = await aggregator.Ask<AggregatorStats>(new GetStats(), TimeSpan.FromSeconds(3));
        Assert.Equal(1, stats.ClosedIncomplete);
        Assert.Contains(stats.Incidents, i => i.Contains(s_shard.Id, StringComparison.Ordinal) && i.Contains("without b", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TeacherOutput_NaNLogits_RejectedReportedAndNotAveraged()
    {
        var (aggregator, student, _) = Create(["a", "b"]);
        var poisoned = Fixtures.RandomLogits(Rows, 1);
        poisoned[7] = float.NaN;
        var b = Fixtures.RandomLogits(Rows, 2);

        aggregator.Tell(OutputOf("a", poisoned));
        aggregator.Tell(OutputOf("b", b));

        var targets = await student.ExpectMsgAsync<AggregatedTargets>();
        Assert.Equal(["b"], targets.TeachersUsed);
        Assert.Equal(Expected([b], [1f]), targets.Targets);
        var stats = await aggregator.Ask<AggregatorStats>(new GetStats(), TimeSpan.FromSeconds(3));
        Assert.Equal(1, stats.RejectedOutputs);
        Assert.Contains(stats.Incidents, i => i.Contains("rejected a", StringComparison.Ordinal) && i.Contains("NaN at row 1, class 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TeacherOutput_WrongShape_RejectedNamingBothShapes()
    {
        var (aggregator, student, _) = Create(["a", "b"]);

        aggregator.Tell(new TeacherOutput("run", s_shard, 0, "a", 0, new float[Rows * 3], Rows, 3));
        aggregator.Tell(OutputOf("b", Fixtures.RandomLogits(Rows, 2)));

        await student.ExpectMsgAsync<AggregatedTargets>(t => t.TeachersUsed.SequenceEqual(["b"]));
        var stats = await aggregator.Ask<AggregatorStats>(new GetStats(), TimeSpan.FromSeconds(3));
        Assert.Contains(stats.Incidents, i => i.Contains("(5, 3)", StringComparison.Ordinal) && i.Contains("expected (5, 4)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deadline_NoTeacherAnswered_TellsTheCoordinatorTheShardFailed()
    {
        var (aggregator, student, coordinator) = Create(["a"]);
        aggregator.Tell(new ExpectShard("run", s_shard, 0));
        await aggregator.Ask<AggregatorStats>(new GetStats(), TimeSpan.FromSeconds(3)); // the deadline timer is set

        Scheduler.Advance(TimeSpan.FromSeconds(9));
        await coordinator.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        Scheduler.Advance(TimeSpan.FromSeconds(1));

        var failed = await coordinator.ExpectMsgAsync<ShardFailed>();
        Assert.Contains("no teacher answered within 10 s", failed.Reason);
        await student.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Deadline_NoTeacherAnswered_AcrossProcesses_WaitsOnAndAggregatesTheLateOutput()
    {
        var (aggregator, student, coordinator) = Create(["a"], failUnanswered: false);
        aggregator.Tell(new ExpectShard("run", s_shard, 0));
        await aggregator.Ask<AggregatorStats>(new GetStats(), TimeSpan.FromSeconds(3));

        Scheduler.Advance(TimeSpan.FromSeconds(11));
        await aggregator.Ask<AggregatorStats>(new GetStats(), TimeSpan.FromSeconds(3)); // the first deadline handled, the second timer set
        Scheduler.Advance(TimeSpan.FromSeconds(11));
        var stats = await aggregator.Ask<AggregatorStats>(new GetStats(), TimeSpan.FromSeconds(3));
        aggregator.Tell(OutputOf("a", Fixtures.RandomLogits(Rows, 1)));

        await student.ExpectMsgAsync<AggregatedTargets>(t => t.TeachersUsed.SequenceEqual(["a"]) && t.MissingTeachers.Count == 0);
        await coordinator.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        Assert.Single(stats.Incidents, i => i.Contains("no teacher answered within 10 s; waiting on", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TeacherOutput_OfAnotherRun_IsIgnored()
    {
        var (aggregator, student, _) = Create(["a"]);

        aggregator.Tell(new TeacherOutput("other-run", s_shard, 0, "a", 0, Fixtures.RandomLogits(Rows, 1), Rows, Fixtures.Classes));

        await student.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task TeacherOutput_AfterTheShardClosedAtItsDeadline_IsCountedLateAndNotSentAgain()
    {
        var (aggregator, student, _) = Create(["a", "b"]);
        aggregator.Tell(new ExpectShard("run", s_shard, 0));
        aggregator.Tell(OutputOf("a", Fixtures.RandomLogits(Rows, 1)));
        await aggregator.Ask<AggregatorStats>(new GetStats(), TimeSpan.FromSeconds(3));
        Scheduler.Advance(TimeSpan.FromSeconds(10));
        await student.ExpectMsgAsync<AggregatedTargets>(t => t.MissingTeachers.SequenceEqual(["b"]));

        aggregator.Tell(OutputOf("b", Fixtures.RandomLogits(Rows, 2)));

        await student.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        var stats = await aggregator.Ask<AggregatorStats>(new GetStats(), TimeSpan.FromSeconds(3));
        Assert.Equal((1, 1, 1), (stats.Aggregated, stats.LateDropped, stats.ClosedIncomplete));
    }

    [Fact]
    public async Task TeacherOutput_EveryTeacherAnsweredBeforeTheDeadline_DeadlineTimerIsCancelled()
    {
        var (aggregator, student, coordinator) = Create(["a"]);
        aggregator.Tell(new ExpectShard("run", s_shard, 0));
        aggregator.Tell(OutputOf("a", Fixtures.RandomLogits(Rows, 1)));
        await student.ExpectMsgAsync<AggregatedTargets>();

        Scheduler.Advance(TimeSpan.FromSeconds(60));

        await coordinator.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        var stats = await aggregator.Ask<AggregatorStats>(new GetStats(), TimeSpan.FromSeconds(3));
        Assert.Equal((1, 0), (stats.Aggregated, stats.ClosedIncomplete));
        Assert.Empty(stats.Incidents);
    }

    [Fact]
    public async Task TeacherOutput_TwoReplicasOfOneTeacherAnswerARequeuedShard_OnePerSequenceIsKept_AndTheNextEpochsShardIsNotADuplicate()
    {
        var (aggregator, student, _) = Create(["a", "b"]);
        var fromFirstReplica = Fixtures.RandomLogits(Rows, 1);
        var b = Fixtures.RandomLogits(Rows, 2);
        var nextEpoch = s_shard with { Epoch = 1 };

        // The first replica of a was only slow: its output and the one of the replica that took the shard over both arrive.
        aggregator.Tell(OutputOf("a", fromFirstReplica));
        aggregator.Tell(OutputOf("a", Fixtures.RandomLogits(Rows, 7)));
        aggregator.Tell(new TeacherOutput("run", nextEpoch, 7, "a", 0, Fixtures.RandomLogits(Rows, 3), Rows, Fixtures.Classes));
        aggregator.Tell(OutputOf("b", b));

        var targets = await student.ExpectMsgAsync<AggregatedTargets>();
        Assert.Equal(0, targets.Sequence);
        Assert.Equal(Expected([fromFirstReplica, b], [1f, 1f]), targets.Targets);
        await student.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100)); // sequence 7 waits for b
        var stats = await aggregator.Ask<AggregatorStats>(new GetStats(), TimeSpan.FromSeconds(3));
        Assert.Equal((1, 1, 0), (stats.Aggregated, stats.DuplicatesDropped, stats.LateDropped));
    }

    private (IActorRef Aggregator, TestProbe Student, TestProbe Coordinator) Create(string[] teachers, float[]? weights = null, bool failUnanswered = true)
    {
        var student = CreateTestProbe();
        var coordinator = CreateTestProbe();
        var settings = s_settings with
        {
            TeacherWeights = weights, Aggregation = weights is null ? EnsembleMethod.Mean : EnsembleMethod.Weighted, FailUnansweredShards = failUnanswered,
        };
        var aggregator = Sys.ActorOf(EnsembleAggregator.Props("run", teachers, settings, Fixtures.Classes, student, coordinator));
        return (aggregator, student, coordinator);
    }

    private static TeacherOutput OutputOf(string teacher, float[] logits) =>
        new("run", s_shard, 0, teacher, 0, logits, Rows, Fixtures.Classes);

    private static float[] Expected(float[][] logits, float[] weights)
    {
        var result = new float[Rows * Fixtures.Classes];
        EnsembleAverage.Combine(logits.Select(l => (ReadOnlyMemory<float>)l).ToList(), weights, Rows, Fixtures.Classes, 2f,
            weights.Distinct().Count() == 1 ? EnsembleMethod.Mean : EnsembleMethod.Weighted, result);
        return result;
    }
}
