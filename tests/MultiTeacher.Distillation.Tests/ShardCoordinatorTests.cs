using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Students;

namespace MultiTeacher.Distillation.Tests;

public sealed class ShardCoordinatorTests : ActorTestKit
{
    // 700 rows in shards of 100: 7 shards per epoch, 14 over two epochs; at most 2 in flight.
    private static readonly DistillationSettings s_settings = new() { Epochs = 2, ShardSize = 100, MaxShardsInFlight = 2 };
    private static readonly ShardPlanner s_planner = new(Fixtures.Data.Name, Fixtures.Data.Count, s_settings.Seed, s_settings.ShardSize);

    [Fact]
    public async Task ResumedRun_DispatchesFromTheFirstUntrainedShard_AndCompletesAfterTheLast()
    {
        var reports = CreateTestProbe();
        var teacher = CreateTestProbe();
        var aggregator = CreateTestProbe();
        var coordinator = Sys.ActorOf(ShardCoordinator.Props("run", s_planner, s_settings, ["t"], reports, firstShard: 11));
        coordinator.Tell(new RegisterReplica("t", teacher, 2));

        coordinator.Tell(new BeginRun(aggregator));

        var first = await aggregator.ExpectMsgAsync<ExpectShard>();
        var second = await aggregator.ExpectMsgAsync<ExpectShard>();
        Assert.Equal((11, 12), (first.Sequence, second.Sequence));
        Assert.Equal(s_planner.ForEpoch(1).Shards[4], first.Shard);
        Assert.Equal(11, (await teacher.ExpectMsgAsync<ShardRequest>()).Sequence);
        await aggregator.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));

        foreach (var sequence in new[] { 11, 12, 13 })
        {
            coordinator.Tell(new ShardTrained("run", s_planner.ForEpoch(1).Shards[sequence - 7], sequence, new ShardResult(100, 0, 0, 0)));
        }

        Assert.Equal(13, (await aggregator.ExpectMsgAsync<ExpectShard>()).Sequence);
        var progress = new[] { await reports.ExpectMsgAsync<RunProgress>(), await reports.ExpectMsgAsync<RunProgress>(), await reports.ExpectMsgAsync<RunProgress>() };
        Assert.Equal([(12, 14), (13, 14), (14, 14)], progress.Select(p => (p.Trained, p.Total)));
        await reports.ExpectMsgAsync<RunCompleted>(c => c.RunId == "run");
    }

    [Fact]
    public async Task ShardTrained_RepeatedOrOfAnotherRun_CountsEachShardOnce()
    {
        var reports = CreateTestProbe();
        var aggregator = CreateTestProbe();
        var coordinator = Sys.ActorOf(ShardCoordinator.Props("run", s_planner, s_settings, [], reports));
        coordinator.Tell(new BeginRun(aggregator));
        var shard = (await aggregator.ExpectMsgAsync<ExpectShard>()).Shard;

        coordinator.Tell(new ShardTrained("run", shard, 0, new ShardResult(100, 0, 0, 0)));
        coordinator.Tell(new ShardTrained("run", shard, 0, new ShardResult(100, 0, 0, 0)));
        coordinator.Tell(new ShardTrained("other-run", shard, 1, new ShardResult(100, 0, 0, 0)));

        Assert.Equal(1, (await reports.ExpectMsgAsync<RunProgress>()).Trained);
        await reports.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        var stats = await coordinator.Ask<CoordinatorStats>(new GetStats(), TimeSpan.FromSeconds(3));
        Assert.Equal((3, 1, 14), (stats.Dispatched, stats.Trained, stats.Total));
    }

    [Fact]
    public async Task ShardFailed_ReportsTheRunFailedNamingTheShard()
    {
        var reports = CreateTestProbe();
        var aggregator = CreateTestProbe();
        var coordinator = Sys.ActorOf(ShardCoordinator.Props("run", s_planner, s_settings, [], reports));
        coordinator.Tell(new BeginRun(aggregator));
        var shard = (await aggregator.ExpectMsgAsync<ExpectShard>()).Shard;

        coordinator.Tell(new ShardFailed("run", shard, 0, "no teacher answered within 30 s"));

        var failed = await reports.ExpectMsgAsync<RunFailed>();
        Assert.Equal($"shard {shard.Id} failed: no teacher answered within 30 s", failed.Reason);
    }
}
