using Akka.TestKit;
using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Students;

namespace MultiTeacher.Distillation.Tests;

/// <summary>The coordinator's side of work pulling, with probes for the replicas and the aggregator.</summary>
public sealed class WorkPullingTests : ActorTestKit
{
    // 700 rows in shards of 100: 7 shards per epoch, 14 over two epochs.
    private static readonly DistillationSettings s_settings = new() { Epochs = 2, ShardSize = 100, MaxShardsInFlight = 4 };
    private static readonly ShardPlanner s_planner = new(Fixtures.Data.Name, Fixtures.Data.Count, s_settings.Seed, s_settings.ShardSize);
    private static readonly TimeSpan s_quiet = TimeSpan.FromMilliseconds(150);

    [Fact]
    public async Task RegisterReplica_TwoReplicasOfOneTeacher_ShareTheShardsEachWithinItsBound()
    {
        var (coordinator, _) = Start(["t"]);
        var a = Replica(coordinator, "t", 2);
        var b = Replica(coordinator, "t", 2);

        coordinator.Tell(new BeginRun(CreateTestProbe()));

        Assert.Equal(new[] { 0, 2 }, await Requests(a, 2));
        Assert.Equal(new[] { 1, 3 }, await Requests(b, 2));
        await a.ExpectNoMsgAsync(s_quiet);
        await b.ExpectNoMsgAsync(s_quiet);
    }

    [Fact]
    public async Task ShardServed_FreesOneSlot_AReplicaNeverHoldsMoreThanItsBound()
    {
        var (coordinator, _) = Start(["t"], s_settings with { MaxShardsInFlight = 8 });
        var replica = Replica(coordinator, "t", 2);
        coordinator.Tell(new BeginRun(CreateTestProbe()));
        Assert.Equal(new[] { 0, 1 }, await Requests(replica, 2));
        await replica.ExpectNoMsgAsync(s_quiet);

        coordinator.Tell(new ShardServed("run", 0, "t", replica));
        Assert.Equal(new[] { 2 }, await Requests(replica, 1));
        await replica.ExpectNoMsgAsync(s_quiet);

        // A repeated ShardServed, one of another run, and one of a shard the replica does not hold free nothing.
        coordinator.Tell(new ShardServed("run", 0, "t", replica));
        coordinator.Tell(new ShardServed("other-run", 1, "t", replica));
        coordinator.Tell(new ShardServed("run", 5, "t", replica));
        await replica.ExpectNoMsgAsync(s_quiet);

        coordinator.Tell(new ShardServed("run", 1, "t", replica));
        coordinator.Tell(new ShardServed("run", 2, "t", replica));
        Assert.Equal(new[] { 3, 4 }, await Requests(replica, 2));
        await replica.ExpectNoMsgAsync(s_quiet);
    }

    [Fact]
    public async Task RegisterReplica_MidRun_TakesTheWaitingShardsAtOnce_WhileTheAggregatorsDeadlinesRun()
    {
        var (coordinator, _) = Start(["t"]);
        var aggregator = CreateTestProbe();
        coordinator.Tell(new BeginRun(aggregator));
        for (var sequence = 0; sequence < 4; sequence++)
        {
            Assert.Equal(sequence, (await aggregator.ExpectMsgAsync<ExpectShard>()).Sequence);
        }

        var late = Replica(coordinator, "t", 3);

        Assert.Equal(new[] { 0, 1, 2 }, await Requests(late, 3));
        await late.ExpectNoMsgAsync(s_quiet);
    }

    [Fact]
    public async Task Terminated_AReplicaStopsHoldingShards_TheyGoToTheOtherReplicaLowestFirst()
    {
        var (coordinator, _) = Start(["t"]);
        var first = Replica(coordinator, "t", 2);
        coordinator.Tell(new BeginRun(CreateTestProbe()));
        Assert.Equal(new[] { 0, 1 }, await Requests(first, 2));
        var second = Replica(coordinator, "t", 2);
        Assert.Equal(new[] { 2, 3 }, await Requests(second, 2));

        Sys.Stop(first.Ref);
        await second.ExpectNoMsgAsync(s_quiet); // full: the stopped replica's shards wait for its free slots
        coordinator.Tell(new ShardServed("run", 3, "t", second));
        coordinator.Tell(new ShardServed("run", 2, "t", second));

        Assert.Equal(new[] { 0, 1 }, await Requests(second, 2));
        var stats = await coordinator.Ask<CoordinatorStats>(GetStats.Instance, TimeSpan.FromSeconds(3));
        Assert.Equal((1, 2), (stats.Replicas, stats.Requeued));
    }

    [Fact]
    public async Task ReplicaUnreachable_ItsShardsGoToTheOtherReplica_ItsLateServedIsIgnored_AndItTakesWorkAgainOnceRegistered()
    {
        var (coordinator, reports) = Start(["t"]);
        var unreachable = Replica(coordinator, "t", 2);
        coordinator.Tell(new BeginRun(CreateTestProbe()));
        Assert.Equal(new[] { 0, 1 }, await Requests(unreachable, 2));
        var other = Replica(coordinator, "t", 4);
        Assert.Equal(new[] { 2, 3 }, await Requests(other, 2));

        coordinator.Tell(new ReplicaUnreachable(unreachable));
        Assert.Equal(new[] { 0, 1 }, await Requests(other, 2));

        // The slow replica answers after all: its slot is not its own any more.
        coordinator.Tell(new ShardServed("run", 0, "t", unreachable));
        await unreachable.ExpectNoMsgAsync(s_quiet);

        // Reachable again and registered again: it takes the next shard planned.
        coordinator.Tell(new RegisterReplica("t", unreachable, 2));
        coordinator.Tell(Trained(0));
        Assert.Equal(new[] { 4 }, await Requests(unreachable, 1));
        await other.ExpectNoMsgAsync(s_quiet);
        Assert.Equal(1, (await reports.ExpectMsgAsync<RunProgress>()).Trained);
    }

    [Fact]
    public async Task RegisterReplica_AgainAfterARestart_TheShardsItHeldAreHandedOutAgain()
    {
        var (coordinator, _) = Start(["t"]);
        var replica = Replica(coordinator, "t", 2);
        coordinator.Tell(new BeginRun(CreateTestProbe()));
        Assert.Equal(new[] { 0, 1 }, await Requests(replica, 2));

        // Restarted: the request it failed on is gone, and it says so by registering again (with a larger bound).
        coordinator.Tell(new RegisterReplica("t", replica, 3));

        Assert.Equal(new[] { 0, 1, 2 }, await Requests(replica, 3));
        await replica.ExpectNoMsgAsync(s_quiet);
        var stats = await coordinator.Ask<CoordinatorStats>(GetStats.Instance, TimeSpan.FromSeconds(3));
        Assert.Equal((1, 2), (stats.Replicas, stats.Requeued));
    }

    [Fact]
    public async Task ShardTrained_WhileATeachersWorkOnItWaits_ThatWorkIsDroppedNotHandedOutLater()
    {
        var (coordinator, _) = Start(["t", "u"], s_settings with { MaxShardsInFlight = 2 });
        var t = Replica(coordinator, "t", 4);
        coordinator.Tell(new BeginRun(CreateTestProbe()));
        Assert.Equal(new[] { 0, 1 }, await Requests(t, 2));

        // Shard 0 closed at its deadline without u, and was trained.
        coordinator.Tell(Trained(0));
        Assert.Equal(new[] { 2 }, await Requests(t, 1));
        var u = Replica(coordinator, "u", 4);

        Assert.Equal(new[] { 1, 2 }, await Requests(u, 2));
        await u.ExpectNoMsgAsync(s_quiet);
    }

    [Fact]
    public async Task RegisterReplica_UnknownTeacherOrNoSlot_IsRejectedNamingTheProblem_AndTheRunGoesOn()
    {
        var (coordinator, _) = Start(["t", "u"]);
        coordinator.Tell(new BeginRun(CreateTestProbe()));
        var stranger = CreateTestProbe();
        var greedy = CreateTestProbe();

        coordinator.Tell(new RegisterReplica("x", stranger, 2));
        coordinator.Tell(new RegisterReplica("t", greedy, 0));

        Assert.Equal("'x' is not a teacher of this run (t, u)", (await stranger.ExpectMsgAsync<ReplicaRejected>()).Reason);
        Assert.Equal("a replica must take at least 1 shard at a time, got 0", (await greedy.ExpectMsgAsync<ReplicaRejected>()).Reason);
        var good = Replica(coordinator, "u", 1);
        Assert.Equal(new[] { 0 }, await Requests(good, 1));

        coordinator.Tell(new RegisterReplica("t", good, 1));
        Assert.Equal("this replica already serves 'u'", (await good.ExpectMsgAsync<ReplicaRejected>()).Reason);
    }

    private (IActorRef Coordinator, TestProbe Reports) Start(IReadOnlyList<string> teachers, DistillationSettings? settings = null)
    {
        var reports = CreateTestProbe();
        return (Sys.ActorOf(ShardCoordinator.Props("run", s_planner, settings ?? s_settings, teachers, reports)), reports);
    }

    private TestProbe Replica(IActorRef coordinator, string teacher, int maxInFlight)
    {
        var replica = CreateTestProbe();
        coordinator.Tell(new RegisterReplica(teacher, replica, maxInFlight));
        return replica;
    }

    /// <summary>The sequences of the next <paramref name="count"/> requests a replica receives, checked to be this run's shards.</summary>
    private static async Task<int[]> Requests(TestProbe replica, int count)
    {
        var sequences = new int[count];
        for (var i = 0; i < count; i++)
        {
            var request = await replica.ExpectMsgAsync<ShardRequest>();
            Assert.Equal("run", request.RunId);
            Assert.Equal(s_planner.ForEpoch(request.Sequence / 7).Shards[request.Sequence % 7], request.Shard);
            sequences[i] = request.Sequence;
        }

        return sequences;
    }

    private static ShardTrained Trained(int sequence) =>
        new("run", s_planner.ForEpoch(sequence / 7).Shards[sequence % 7], sequence, new ShardResult(100, 0, 0, 0));
}
