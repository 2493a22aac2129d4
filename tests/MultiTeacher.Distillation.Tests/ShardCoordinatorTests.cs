using MultiTeacher.Actors.TestKit;
using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Distillation.Tests;

public sealed class ShardCoordinatorTests : TestKitBase
{
    // 700 rows in shards of 100: 7 shards per epoch, 14 over two epochs; at most 2 in flight.
    private static readonly DistillationSettings s_settings = new() { Epochs = 2, ShardSize = 100, MaxShardsInFlight = 2 };
    private static readonly ShardPlanner s_planner = new(Fixtures.Data.Name, Fixtures.Data.Count, s_settings.Seed, s_settings.ShardSize);

    [Fact]
    public async Task ResumedRun_DispatchesFromTheFirstUntrainedShard_AndCompletesAfterTheLast()
    {
        var observer = new Observer();
        var teacher = CreateTestProbe();
        var aggregator = CreateTestProbe();
        var coordinator = Sys.ActorOf(ShardCoordinator.Props("run", s_planner, s_settings, observer, firstShard: 11));

        coordinator.Tell(new BeginRun([teacher], aggregator));

        var first = await aggregator.ExpectMsgAsync<ExpectShard>();
        var second = await aggregator.ExpectMsgAsync<ExpectShard>();
        Assert.Equal((11, 12), (first.Sequence, second.Sequence));
        Assert.Equal(s_planner.ForEpoch(1).Shards[4], first.Shard);
        Assert.Equal(11, (await teacher.ExpectMsgAsync<ShardRequest>()).Sequence);
        await aggregator.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));

        foreach (var sequence in new[] { 11, 12, 13 })
        {
            coordinator.Tell(new ShardTrained("run", s_planner.ForEpoch(1).Shards[sequence - 7], sequence, new Students.ShardResult(100, 0, 0, 0)));
        }

        Assert.Equal(13, (await aggregator.ExpectMsgAsync<ExpectShard>()).Sequence);
        await observer.Done.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal([(12, 14), (13, 14), (14, 14)], observer.Progress);
    }

    private sealed class Observer : IPipelineObserver
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Done => _done.Task;

        public List<(int Trained, int Total)> Progress { get; } = [];

        public void ShardTrained(int trained, int total) => Progress.Add((trained, total));

        public void EpochCompleted(StudentEpochCompleted epoch)
        {
        }

        public void Completed() => _done.TrySetResult();

        public void Failed(Exception reason) => _done.TrySetException(reason);
    }
}
