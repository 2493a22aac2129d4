using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Distillation.Tests;

public sealed class StudentTrainerTests : ActorTestKit
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

    [Fact]
    public async Task StatePath_TrainerStoppedAndStartedAgain_ResumesAndEndsWithTheUninterruptedWeights()
    {
        var settings = s_settings with { Epochs = 2 };
        var planner = new ShardPlanner(Fixtures.Data.Name, Fixtures.Data.Count, settings.Seed, settings.ShardSize);
        var total = 2 * planner.ForEpoch(0).Shards.Count;
        var state = Path.Combine(Path.GetTempPath(), $"mt-student-state-{Guid.NewGuid():N}.safetensors");
        try
        {
            var (uninterrupted, whole) = Create(CreateTestProbe(), null, settings, planner, statePath: null);
            for (var s = 0; s < total; s++)
            {
                uninterrupted.Tell(Targets(planner, s));
            }

            Assert.Equal(total, (await uninterrupted.Ask<StudentStats>(new GetStats(), TimeSpan.FromSeconds(10))).Trained);

            var (first, resumed) = Create(CreateTestProbe(), null, settings, planner, state);
            foreach (var s in new[] { 0, 1, 2, 3, 4, 9, 5 })
            {
                first.Tell(Targets(planner, s));
            }

            Assert.Equal(6, (await first.Ask<StudentStats>(new GetStats(), TimeSpan.FromSeconds(10))).Trained);
            Assert.True(await first.GracefulStop(TimeSpan.FromSeconds(10)));

            var coordinator = CreateTestProbe();
            // The shards from 5 on come again (at-least-once delivery): shard 5 (trained and saved, its ShardTrained
            // lost with the process) and 9 (held, never part of the state) among them. Shards 0-4 are not sent again.
            var (second, again) = Create(coordinator, null, settings, planner, state);
            for (var s = 5; s < total; s++)
            {
                second.Tell(Targets(planner, s));
            }

            var stats = await second.Ask<StudentStats>(new GetStats(), TimeSpan.FromSeconds(10));
            Assert.Equal(total, stats.Trained);
            Assert.Equal(1, stats.DuplicatesDropped);
            Assert.Equal(whole.GetWeights(), again.GetWeights());
            var reported = new List<int>();
            for (var i = 5; i < total; i++)
            {
                reported.Add((await coordinator.FishForMessageAsync<ShardTrained>(_ => true)).Sequence);
            }

            Assert.Equal(Enumerable.Range(5, total - 5), reported);
        }
        finally
        {
            File.Delete(state);
        }
    }

    [Fact]
    public void StatePath_StateOfAnotherRun_IsRefusedNamingBothRuns()
    {
        var state = Path.Combine(Path.GetTempPath(), $"mt-student-state-{Guid.NewGuid():N}.safetensors");
        try
        {
            var model = Model.Create("mlp:32-8-4", 1);
            var trainer = new Students.StudentShardTrainer(model, s_settings);
            new Students.StudentState("other-run", 3, model.GetWeights(), trainer.Optimizer.StateBuffers, 6, null, double.NegativeInfinity, -1,
                3, 0, 0, 0, 0, []).Save(state);

            var error = Assert.Throws<InvalidDataException>(() => Students.StudentState.Load(state, "run", model, trainer.Optimizer));

            Assert.Contains("other-run", error.Message, StringComparison.Ordinal);
            Assert.Contains("of run run", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(state);
        }
    }

    [Fact]
    public void StateHandedOver_ToANewRun_LoadsUnderTheNewIdWithEverythingElseKept()
    {
        var state = Path.Combine(Path.GetTempPath(), $"mt-student-state-{Guid.NewGuid():N}.safetensors");
        try
        {
            var model = Model.Create("mlp:32-8-4", 1);
            var trainer = new Students.StudentShardTrainer(model, s_settings);
            var weights = model.GetWeights().Select((_, i) => i * 0.25f).ToArray();
            new Students.StudentState("stopped-run", 7, weights, trainer.Optimizer.StateBuffers, 14, null, double.NegativeInfinity, -1,
                7, 1, 0, 0.5, 64, []).Save(state);

            var (previous, next) = Students.StudentState.HandOver(state, "resumed-run");
            var loaded = Students.StudentState.Load(state, "resumed-run", model, trainer.Optimizer);

            Assert.Equal(("stopped-run", 7), (previous, next));
            Assert.Equal((7, 14L, 7, 1, 64), (loaded.NextShard, loaded.Steps, loaded.Trained, loaded.Duplicates, loaded.EpochRows));
            Assert.Equal(weights, loaded.Weights);
            Assert.Throws<InvalidDataException>(() => Students.StudentState.Load(state, "stopped-run", model, trainer.Optimizer));
        }
        finally
        {
            File.Delete(state);
        }
    }

    [Fact]
    public void StateWithBuffers_SavedAndLoaded_KeepsTheBuffersAndTheBestEpochsBuffers()
    {
        var state = Path.Combine(Path.GetTempPath(), $"mt-student-state-{Guid.NewGuid():N}.safetensors");
        try
        {
            var model = Model.Create("mlp:32-8-4", 1);
            var trainer = new Students.StudentShardTrainer(model, s_settings);
            new Students.StudentState("run", 2, model.GetWeights(), trainer.Optimizer.StateBuffers, 4, model.GetWeights(), 0.5, 0, 2, 0, 0, 0, 0, [])
            {
                Buffers = [1f, 2f, 3f],
                BestBuffers = [4f, 5f, 6f],
            }.Save(state);

            var loaded = Students.StudentState.Load(state, "run", model, trainer.Optimizer);

            Assert.Equal([1f, 2f, 3f], loaded.Buffers);
            Assert.Equal([4f, 5f, 6f], loaded.BestBuffers);
        }
        finally
        {
            File.Delete(state);
        }
    }

    private IActorRef Create(IActorRef coordinator, IActorRef hub) => Create(coordinator, hub, s_settings, s_planner, null).Actor;

    private (IActorRef Actor, Model Model) Create(IActorRef coordinator, IActorRef? hub, DistillationSettings settings, ShardPlanner planner, string? statePath)
    {
        var model = Model.Create("mlp:32-8-4", 1);
        var actor = Sys.ActorOf(StudentTrainer.Props(new StudentTrainerSetup("run", "student", model, Fixtures.Data, planner, Fixtures.Data.Labels,
            settings, StudentEvaluation.None, coordinator, hub, null) { StatePath = statePath }));
        return (actor, model);
    }

    private static AggregatedTargets Targets(ShardPlanner planner, int sequence)
    {
        var shards = planner.ForEpoch(0).Shards;
        var shard = planner.ForEpoch(sequence / shards.Count).Shards[sequence % shards.Count];
        var targets = Enumerable.Repeat(0.25f, shard.RowCount * Fixtures.Classes).ToArray();
        return new AggregatedTargets("run", shard, sequence, ["a"], [1f], targets, []);
    }

    private static AggregatedTargets Targets(int sequence)
    {
        var shard = s_planner.ForEpoch(0).Shards[sequence];
        var targets = Enumerable.Repeat(0.25f, shard.RowCount * Fixtures.Classes).ToArray();
        return new AggregatedTargets("run", shard, sequence, ["a"], [1f], targets, []);
    }
}
