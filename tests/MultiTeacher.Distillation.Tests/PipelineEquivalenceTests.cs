using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Students;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Tests;

[Collection(SingleThreadCollection.Name)]
public sealed class PipelineEquivalenceTests : ActorTestKit
{
    private static readonly LogitTable[] s_teachers = [Fixtures.TeacherLogits(1), Fixtures.TeacherLogits(2), Fixtures.TeacherLogits(3)];

    [Theory]
    [InlineData("mlp:32-16-4", EnsembleMethod.Mean, 2f, 0.5f)]
    [InlineData("mlp:32-16-4?dropout=0.2", EnsembleMethod.Geometric, 4f, 0.9f)]
    [InlineData("mlp:32-24-4", EnsembleMethod.Weighted, 1f, 1f)]
    public async Task RunAsync_SameShards_TrainsTheReferenceLoopsStudentBitForBit(string arch, EnsembleMethod method, float t, float alpha)
    {
        var settings = new DistillationSettings
        {
            Temperature = t, Alpha = alpha, Aggregation = method, TeacherWeights = [1f, 2f, 0.5f],
            Epochs = 3, BatchSize = 16, ShardSize = 48, MaxShardsInFlight = 4, Seed = 5,
        };
        var labels = Fixtures.SomeLabels();
        var reference = Model.Create(arch, 9);
        ReferenceDistillation.Train(reference, Fixtures.Data, labels, s_teachers, settings);

        var student = Model.Create(arch, 9);
        var teachers = s_teachers.Select((table, i) => new PipelineTeacher($"t{i}", new CachedLogitSource(table))).ToList();
        var result = await DistillationPipeline.RunAsync(new PipelineRequest("run", teachers, student, Fixtures.Data, labels, settings), Sys);

        Assert.Equal(reference.GetWeights(), student.GetWeights());
        var shards = 3 * ((700 + 47) / 48);
        Assert.Equal(shards, result.Shards.Planned);
        Assert.Equal(shards, result.Shards.Aggregated);
        Assert.Equal(shards, result.Shards.Trained);
        Assert.Equal(0, result.Shards.DuplicatesDropped);
        Assert.Equal(0, result.Shards.ClosedIncomplete);
    }

    [Fact]
    public async Task RunAsync_TeachersAsNetworks_MatchesTheirCachedPass()
    {
        var settings = new DistillationSettings { Epochs = 1, BatchSize = 32, ShardSize = 64, Seed = 1 };
        var teacher = Model.Create("mlp:32-8-4", 1);
        var first = Model.Create("mlp:32-16-4", 3);
        var second = Model.Create("mlp:32-16-4", 3);
        var live = new List<PipelineTeacher> { new("a", new ModelLogitSource(teacher, Fixtures.Data)) };
        var cached = new List<PipelineTeacher> { new("a", new CachedLogitSource(TeacherLogitsOf(teacher))) };

        await DistillationPipeline.RunAsync(new PipelineRequest("live", live, first, Fixtures.Data, Fixtures.Data.Labels, settings), Sys);
        await DistillationPipeline.RunAsync(new PipelineRequest("cached", cached, second, Fixtures.Data, Fixtures.Data.Labels, settings), Sys);

        // A network run on a shard's rows and the same network run over the whole set in batches of 256 differ in
        // the last bits (GEMM blocking depends on the batch size), so the students agree closely, not bit for bit.
        var worst = first.GetWeights().Zip(second.GetWeights(), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-4f, $"largest weight difference {worst}");
        Assert.NotEqual(Model.Create("mlp:32-16-4", 3).GetWeights(), first.GetWeights());
    }

    private static LogitTable TeacherLogitsOf(Model model) =>
        new(Core.Training.Evaluator.Logits(model, Fixtures.Data), Fixtures.Data.Count, Fixtures.Classes);
}

/// <summary>Bit-for-bit comparisons run with one GEMM thread, one test at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SingleThreadCollection : IDisposable
{
    public const string Name = "single GEMM thread";
    private readonly int _previous = TorchRuntime.Threads;

    public SingleThreadCollection() => TorchRuntime.Threads = 1;

    public void Dispose() => TorchRuntime.Threads = _previous;
}
