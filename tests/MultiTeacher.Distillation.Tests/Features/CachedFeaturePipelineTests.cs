using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Losses.Features;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Teachers;
using MultiTeacher.Distillation.Features;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Tests.Features;

/// <summary>
/// Feature teachers served from cached passes keyed by layer: the first run computes and stores the features beside
/// the teacher file, the next reads them, and both train the same student bit for bit as the teacher network does; a
/// changed teacher file gets a new cache file, never the old features.
/// </summary>
[Collection(SingleThreadCollection.Name)]
public sealed class CachedFeaturePipelineTests : ActorTestKit, IDisposable
{
    private const string TeacherArch = "cnn:8-16-32?classes=4";
    private const string StudentArch = "cnn:4-8-16?classes=4";
    private static readonly Dataset s_images = SyntheticDataset.Create(96, 4, 784, seed: 3);

    private static readonly FeatureSpec[] s_specs =
    [
        new("a", "3", "3", FeatureLossKind.Attention, 2f),
        new("a", "7", "7", FeatureLossKind.Hint, 0.5f),
    ];

    private static readonly DistillationSettings s_settings = new()
    {
        Temperature = 2f, Alpha = 0.5f, Epochs = 2, BatchSize = 16, ShardSize = 32, Seed = 4,
    };

    private readonly string _directory = Directory.CreateTempSubdirectory("mt-feature-cache-").FullName;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_ColdAndWarmCache_TrainTheNetworkTeachersStudentBitForBit(bool attentionMaps)
    {
        var wire = new FeatureWire(attentionMaps, Float16: false);
        var teacherPath = Path.Combine(_directory, "a.safetensors");
        ModelCheckpoint.Save(Model.Create(TeacherArch, 1), teacherPath);

        var network = await TrainAsync(new ModelLogitSource(ModelCheckpoint.Load(teacherPath).Model, s_images), wire);
        var cold = await TrainAsync(Cached(teacherPath), wire);
        var cacheFiles = CacheFiles();
        var written = cacheFiles.Select(File.GetLastWriteTimeUtc).ToArray();
        var warm = await TrainAsync(Cached(teacherPath), wire);

        // One file per requested (layer, form): layer 3 (full or attention map) and layer 7.
        Assert.Equal(2, cacheFiles.Length);
        Assert.Contains(cacheFiles, f => f.Contains(attentionMaps ? ".3.attention-p2." : ".3.full.", StringComparison.Ordinal));
        Assert.Equal(cacheFiles, CacheFiles());
        Assert.Equal(written, CacheFiles().Select(File.GetLastWriteTimeUtc).ToArray());
        Assert.Equal(network, cold);
        Assert.Equal(cold, warm);
        Assert.NotEqual(Model.Create(StudentArch, 9).GetWeights(), warm);
    }

    [Fact]
    public void Prepare_TeacherFileChanged_WritesANewCacheFileWithTheNewTeachersFeatures()
    {
        var teacherPath = Path.Combine(_directory, "a.safetensors");
        var request = new FeatureRequest("3", AttentionMap: true);
        ModelCheckpoint.Save(Model.Create(TeacherArch, 1), teacherPath);
        var before = TeacherFeatureCache.PathFor(teacherPath, s_images, request);
        var oldFeatures = Features(teacherPath, request);

        ModelCheckpoint.Save(Model.Create(TeacherArch, 2), teacherPath);
        var after = TeacherFeatureCache.PathFor(teacherPath, s_images, request);
        var newFeatures = Features(teacherPath, request);

        Assert.NotEqual(before, after);
        Assert.True(File.Exists(before) && File.Exists(after));
        Assert.NotEqual(oldFeatures, newFeatures);
        var expected = new ModelLogitSource(Model.Create(TeacherArch, 2), s_images)
            .LogitsAndFeatures(Enumerable.Range(0, s_images.Count).ToArray(), new float[s_images.Count * 4], [request])[0].Values;
        Assert.Equal(expected, newFeatures);
    }

    /// <inheritdoc />
    public new void Dispose()
    {
        base.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private string[] CacheFiles() => Directory.GetFiles(_directory, "*.features.npy").Order(StringComparer.Ordinal).ToArray();

    private static float[] Features(string teacherPath, FeatureRequest request) =>
        TeacherFeatureCache.GetOrCompute(teacherPath, new ModelLogitSource(ModelCheckpoint.Load(teacherPath).Model, s_images), s_images, [request])[0].Values;

    private static CachedFeatureSource Cached(string teacherPath)
    {
        var network = new ModelLogitSource(ModelCheckpoint.Load(teacherPath).Model, s_images);
        var logits = new float[s_images.Count * 4];
        network.Logits(Enumerable.Range(0, s_images.Count).ToArray(), logits);
        return new CachedFeatureSource(teacherPath, network, s_images, new LogitTable(logits, s_images.Count, 4));
    }

    private async Task<float[]> TrainAsync(IFeatureSource teacher, FeatureWire wire)
    {
        var labels = s_images.Labels.Select((l, i) => i % 2 == 0 ? -1 : l).ToArray();
        var student = Model.Create(StudentArch, 9);
        var plan = FeaturePlan.Create(s_specs, student, [("a", (ILogitSource)teacher)], s_settings, wire);
        if (teacher is CachedFeatureSource cached)
        {
            cached.Prepare(plan.RequestsFor("a"));
        }

        var request = new PipelineRequest($"run-{Guid.NewGuid():N}", [new PipelineTeacher("a", teacher)], student, s_images, labels, s_settings) { Features = plan };
        await DistillationPipeline.RunAsync(request, Sys);
        return student.GetWeights();
    }
}
