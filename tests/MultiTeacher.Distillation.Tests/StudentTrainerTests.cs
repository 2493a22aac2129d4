using MultiTeacher.Actors;
using MultiTeacher.Actors.TestKit;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Distillation.Tests;

public sealed class StudentTrainerTests : TestKitBase
{
    private static readonly DistillationSettings s_settings = new() { Epochs = 1, BatchSize = 50, ShardSize = 100, Alpha = 0.5f, CheckpointEverySteps = 0 };
    private static readonly ShardPlanner s_planner = new(Fixtures.Data.Name, Fixtures.Data.Count, s_settings.Seed, s_settings.ShardSize);

    [Fact]
    public async Task AggregatedTargets_OutOfOrderAndRepeated_TrainsEachShardOnceInPlanOrder()
    {
        var coordinator = CreateTestProbe();
        var student = Create(coordinator, CreateTestProbe());

        student.Tell(Targets(2));
        student.Tell(Targets(0));
        student.Tell(Targets(0));
        student.Tell(Targets(1));
        student.Tell(Targets(1));

        for (var expected = 0; expected < 3; expected++)
        {
            var trained = await coordinator.ExpectMsgAsync<ShardTrained>();
            Assert.Equal(expected, trained.Sequence);
        }

        await coordinator.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        var stats = await student.Ask<StudentStats>(new GetStats(), TimeSpan.FromSeconds(3));
        Assert.Equal(3, stats.Trained);
        Assert.Equal(2, stats.DuplicatesDropped);
        Assert.Equal(6, stats.Steps);
    }

    [Fact]
    public async Task AggregatedTargets_LastShardOfEpoch_ReportsTheEpochAndBroadcastsACheckpoint()
    {
        var coordinator = CreateTestProbe();
        var hub = CreateTestProbe();
        var student = Create(coordinator, hub);

        for (var s = 0; s < 7; s++)
        {
            student.Tell(Targets(s));
        }

        var epoch = await coordinator.FishForMessageAsync<StudentEpochCompleted>(_ => true);
        Assert.Equal(0, epoch.Epoch);
        var checkpoint = await hub.ExpectMsgAsync<Checkpoint>();
        Assert.Equal("student", checkpoint.ModelId);
        Assert.Equal(14, checkpoint.Version);
    }

    private IActorRef Create(IActorRef coordinator, IActorRef hub)
    {
        var model = Model.Create("mlp:32-8-4", 1);
        return Sys.ActorOf(StudentTrainer.Props(new StudentTrainerSetup("run", "student", model, Fixtures.Data, s_planner, Fixtures.Data.Labels,
            s_settings, StudentEvaluation.None, coordinator, hub, null)));
    }

    private static AggregatedTargets Targets(int sequence)
    {
        var shard = s_planner.ForEpoch(0).Shards[sequence];
        var targets = Enumerable.Repeat(0.25f, shard.RowCount * Fixtures.Classes).ToArray();
        return new AggregatedTargets("run", shard, sequence, ["a"], [1f], targets, []);
    }
}
