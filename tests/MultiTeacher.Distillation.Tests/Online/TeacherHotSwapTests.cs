using MultiTeacher.Core.Data;
using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Training;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Tests.Online;

public sealed class TeacherHotSwapTests : ActorTestKit
{
    private const string Arch = "mlp:32-8-4";

    [Fact]
    public async Task Checkpoint_BetweenShards_NextShardUsesNewWeightsAndCarriesTheirVersion()
    {
        var planner = new ShardPlanner(Fixtures.Data.Name, Fixtures.Data.Count, 1, 64);
        var aggregator = CreateTestProbe();
        var teacher = Sys.ActorOf(TeacherActor.Props("t", new ModelLogitSource(Model.Create(Arch, 1), Fixtures.Data), planner, aggregator));
        var replacement = Model.Create(Arch, 2);
        var shards = planner.ForEpoch(0).Shards;

        teacher.Tell(new ShardRequest("run", shards[0], 0));
        teacher.Tell(new Checkpoint("t", 3, 300, Arch, replacement.GetWeights(), new Dictionary<string, double>()));
        teacher.Tell(new ShardRequest("run", shards[1], 1));
        teacher.Tell(new Checkpoint("t", 2, 200, Arch, Model.Create(Arch, 9).GetWeights(), new Dictionary<string, double>()));
        teacher.Tell(new Checkpoint("other", 7, 700, Arch, Model.Create(Arch, 9).GetWeights(), new Dictionary<string, double>()));
        teacher.Tell(new ShardRequest("run", shards[2], 2));

        var before = await aggregator.ExpectMsgAsync<TeacherOutput>();
        var after = await aggregator.ExpectMsgAsync<TeacherOutput>();
        var afterStale = await aggregator.ExpectMsgAsync<TeacherOutput>();
        Assert.Equal([0L, 3L, 3L], new[] { before.ModelVersion, after.ModelVersion, afterStale.ModelVersion });
        Assert.Equal(LogitsOf(Model.Create(Arch, 1), planner, shards[0]), before.Logits);
        Assert.Equal(LogitsOf(replacement, planner, shards[1]), after.Logits);
        Assert.Equal(LogitsOf(replacement, planner, shards[2]), afterStale.Logits);
    }

    [Fact]
    public async Task Checkpoint_OfAnotherArchitecture_IsIgnoredAndTheTeacherKeepsServing()
    {
        var planner = new ShardPlanner(Fixtures.Data.Name, Fixtures.Data.Count, 1, 64);
        var aggregator = CreateTestProbe();
        var teacher = Sys.ActorOf(TeacherActor.Props("t", new ModelLogitSource(Model.Create(Arch, 1), Fixtures.Data), planner, aggregator));

        await EventFilter.Warning(contains: "teacher t: ignored checkpoint version 5 of mlp:32-4").ExpectOneAsync(() =>
        {
            teacher.Tell(new Checkpoint("t", 5, 5, "mlp:32-4", new float[32 * 4 + 4], new Dictionary<string, double>()));
            return Task.CompletedTask;
        });
        teacher.Tell(new ShardRequest("run", planner.ForEpoch(0).Shards[0], 0));

        Assert.Equal(0, (await aggregator.ExpectMsgAsync<TeacherOutput>()).ModelVersion);
    }

    [Fact]
    public async Task TeacherOutput_TwoVersionsOfOneTeacherForOneShard_FirstVersionKeptAndConflictCounted()
    {
        var student = CreateTestProbe();
        var coordinator = CreateTestProbe();
        var settings = new DistillationSettings { Temperature = 2f };
        var aggregator = Sys.ActorOf(EnsembleAggregator.Props("run", ["a", "b"], settings, Fixtures.Classes, student, coordinator));
        var shard = new Shard("data", 0, 0, 5);
        var a1 = Fixtures.RandomLogits(5, 1);
        var a2 = Fixtures.RandomLogits(5, 2);
        var b = Fixtures.RandomLogits(5, 3);

        aggregator.Tell(new TeacherOutput("run", shard, 0, "a", 1, a1, 5, Fixtures.Classes));
        aggregator.Tell(new TeacherOutput("run", shard, 0, "a", 2, a2, 5, Fixtures.Classes));
        aggregator.Tell(new TeacherOutput("run", shard, 0, "b", 0, b, 5, Fixtures.Classes));

        var targets = await student.ExpectMsgAsync<AggregatedTargets>();
        var expected = new float[5 * Fixtures.Classes];
        EnsembleAverage.Combine([a1, b], [1f, 1f], 5, Fixtures.Classes, 2f, EnsembleMethod.Mean, expected);
        Assert.Equal(expected, targets.Targets);
        var stats = await aggregator.Ask<AggregatorStats>(new GetStats(), TimeSpan.FromSeconds(3));
        Assert.Equal(1, stats.VersionConflicts);
        Assert.Contains(stats.Incidents, i => i.Contains("kept version 1 of a", StringComparison.Ordinal));
    }

    private static float[] LogitsOf(Model model, ShardPlanner planner, Shard shard)
    {
        var rows = planner.ForEpoch(shard.Epoch).RowsOf(shard).ToArray();
        return Evaluator.Logits(model, Fixtures.Data.Subset(rows));
    }
}
