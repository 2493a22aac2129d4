using MultiTeacher.Core.Data;
using MultiTeacher.Core.Losses.Features;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Features;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Students;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Tests.Features;

/// <summary>
/// Feature distillation over the in-process actor pipeline: teachers send their features with each shard's logits
/// (serialized, as every test message here is), the aggregator passes them on, and the student trains exactly the
/// plain loop's student; the wire sizes follow the chosen form.
/// </summary>
[Collection(SingleThreadCollection.Name)]
public sealed class FeaturePipelineTests : ActorTestKit
{
    private const string TeacherArch = "cnn:8-16-32?classes=4";
    private const string StudentArch = "cnn:4-8-16?classes=4";
    private static readonly Dataset s_images = SyntheticDataset.Create(96, 4, 784, seed: 3);

    private static readonly FeatureSpec[] s_specs =
    [
        new("a", "3", "3", FeatureLossKind.Attention, 2f),
        new("b", "3", "3", FeatureLossKind.Attention, 2f),
        new("a", "7", "7", FeatureLossKind.Hint, 0.5f),
    ];

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task RunAsync_AttentionAndHints_TrainsTheReferenceLoopsStudentBitForBit(bool attentionMaps, bool float16)
    {
        var settings = new DistillationSettings
        {
            Temperature = 2f, Alpha = 0.5f, TeacherWeights = [1f, 3f], Aggregation = Core.Losses.EnsembleMethod.Weighted,
            Epochs = 2, BatchSize = 16, ShardSize = 32, Seed = 4,
        };
        var wire = new FeatureWire(attentionMaps, float16);
        var labels = s_images.Labels.Select((l, i) => i % 2 == 0 ? -1 : l).ToArray();

        var reference = Model.Create(StudentArch, 9);
        var referenceTeachers = Teachers();
        var referencePlan = FeaturePlan.Create(s_specs, reference, referenceTeachers.Select(t => (t.Id, (ILogitSource?)t.Source)).ToList(), settings, wire);
        var epochs = new List<ShardResult>();
        ReferenceFeatureDistillation.Train(reference, s_images, labels, referenceTeachers, referencePlan, settings, (_, r) => epochs.Add(r));

        var student = Model.Create(StudentArch, 9);
        var teachers = Teachers();
        var plan = FeaturePlan.Create(s_specs, student, teachers.Select(t => (t.Id, (ILogitSource?)t.Source)).ToList(), settings, wire);
        var checkpoint = Path.Combine(Path.GetTempPath(), $"mt-features-{Guid.NewGuid():N}.safetensors");
        var request = new PipelineRequest("run", teachers.Select(t => new PipelineTeacher(t.Id, t.Source)).ToList(), student, s_images, labels, settings)
        {
            Features = plan,
            CheckpointPath = checkpoint,
        };
        var result = await DistillationPipeline.RunAsync(request, Sys);
        var adapters = Core.Checkpoints.Safetensors.Read(Core.Losses.Features.AdapterFile.PathBeside(checkpoint));
        var studentFile = Core.Checkpoints.Safetensors.Read(checkpoint);
        File.Delete(checkpoint);
        File.Delete(Core.Losses.Features.AdapterFile.PathBeside(checkpoint));
        // The hint's 16 → 32 linear adapter is saved beside the student, never in it.
        Assert.Equal([32, 16], adapters["hint.7.a.7.weight"].Shape);
        Assert.Equal([32], adapters["hint.7.a.7.bias"].Shape);
        Assert.DoesNotContain(studentFile.Tensors, t => t.Name.StartsWith("hint", StringComparison.Ordinal));

        Assert.Equal(reference.GetWeights(), student.GetWeights());
        Assert.NotEqual(Model.Create(StudentArch, 9).GetWeights(), student.GetWeights());
        Assert.Equal(["attention(3)", "hint(7)"], plan.TermLabels);
        Assert.Equal(["ce", "kd", "attention(3)", "hint(7)"], result.Student.Epochs[^1].Terms.Keys.Order(StringComparer.Ordinal).ToArray()
            .OrderBy(k => k switch { "ce" => 0, "kd" => 1, _ => 2 }).ThenBy(k => k, StringComparer.Ordinal));
        Assert.All(result.Student.Epochs[^1].Terms.Values, v => Assert.True(double.IsFinite(v) && v > 0, $"term {v}"));

        // Bytes per shard of 32 rows: teacher a sends layer 3 (16, 11, 11) for attention — or its map (11, 11) — and
        // layer 7 (32) for the hint; teacher b layer 3 only. Logits: 2 teachers × 32 × 4 × 4 bytes.
        var shards = 2 * 3;
        var bytesPerValue = float16 ? 2 : 4;
        var layer3 = attentionMaps ? 11 * 11 : 16 * 11 * 11;
        Assert.Equal(shards * 2 * 32 * 4 * 4L, result.Aggregator.LogitBytes);
        Assert.Equal(shards * 32L * ((2 * layer3) + 32) * bytesPerValue, result.Aggregator.FeatureBytes);
    }

    [Fact]
    public async Task Aggregator_TeacherFeatureWithNaN_RejectsThatOutputNamingTheLayerAndPassesTheOthersFeatures()
    {
        var student = CreateTestProbe();
        var coordinator = CreateTestProbe();
        var shard = new Shard("data", 0, 0, 2);
        var aggregator = Sys.ActorOf(EnsembleAggregator.Props("run", ["a", "b"], new DistillationSettings(), 4, student, coordinator));
        var good = FeatureBlock.Create("a", "3", true, [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8], float16: true);
        var bad = FeatureBlock.Create("b", "3", true, [2, 2, 2], [1, 2, 3, 4, 5, float.NaN, 7, 8], float16: false);

        aggregator.Tell(new TeacherOutput("run", shard, 0, "a", 0, new float[8], 2, 4) { Features = [good] });
        aggregator.Tell(new TeacherOutput("run", shard, 0, "b", 0, new float[8], 2, 4) { Features = [bad] });

        var targets = await student.ExpectMsgAsync<AggregatedTargets>();
        Assert.Equal(["a"], targets.TeachersUsed);
        Assert.Equal(["b"], targets.MissingTeachers);
        var passed = Assert.Single(targets.Features);
        Assert.Equal([1f, 2, 3, 4, 5, 6, 7, 8], passed.ToFloats());
        var stats = await aggregator.Ask<AggregatorStats>(GetStats.Instance, TimeSpan.FromSeconds(3));
        var incident = Assert.Single(stats.Incidents, i => i.StartsWith("rejected b", StringComparison.Ordinal));
        Assert.Contains("layer 3 holds NaN at row 1, element 1", incident, StringComparison.Ordinal);
        // Only the kept output counts: 8 logits and 8 float16 values of teacher a.
        Assert.Equal((32L, 16L), (stats.LogitBytes, stats.FeatureBytes));
    }

    private static List<(string Id, IFeatureSource Source)> Teachers() =>
    [
        ("a", new ModelLogitSource(Model.Create(TeacherArch, 1), s_images)),
        ("b", new ModelLogitSource(Model.Create(TeacherArch, 2), s_images)),
    ];
}
