using MultiTeacher.Core.Data;
using MultiTeacher.Core.Losses.Features;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Features;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Tests.Features;

/// <summary>Feature entries are checked before a run: names, shapes and teachers, with messages that say what exists.</summary>
public sealed class FeaturePlanTests
{
    private static readonly Dataset s_images = SyntheticDataset.Create(8, 4, 784, seed: 3);
    private static readonly DistillationSettings s_settings = new();

    [Fact]
    public void Create_UnknownTeacherLayer_RefusedListingTheTeachersLayers()
    {
        var e = Assert.Throws<UnknownLayerException>(() => Plan(new FeatureSpec("cnn", "features.3", "3", FeatureLossKind.Attention, 1f)));
        Assert.Contains("'features.3'", e.Message, StringComparison.Ordinal);
        Assert.Contains("3: Conv2d(8→16, 3×3)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnknownStudentLayer_RefusedListingTheStudentsLayers()
    {
        var e = Assert.Throws<UnknownLayerException>(() => Plan(new FeatureSpec("cnn", "3", "12", FeatureLossKind.Attention, 1f)));
        Assert.Contains("cnn:4-8-16", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_HintBetweenDifferentSpatialSizes_RefusedNamingBothShapes()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Plan(new FeatureSpec("cnn", "0", "3", FeatureLossKind.Hint, 1f)));
        Assert.Contains("(8, 11, 11)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(8, 26, 26)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_AttentionOnAFlatLayer_RefusedNamingBothShapes()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Plan(new FeatureSpec("cnn", "7", "3", FeatureLossKind.Attention, 1f)));
        Assert.Contains("(32)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(8, 11, 11)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnknownTeacherOrCachedPass_RefusedSayingWhy()
    {
        var unknown = Assert.Throws<ArgumentException>(() => Plan(new FeatureSpec("mlp", "3", "3", FeatureLossKind.Attention, 1f)));
        Assert.Contains("cnn", unknown.Message, StringComparison.Ordinal);

        using var student = Model.Create("cnn:4-8-16?classes=4", 1);
        var cached = new CachedLogitSource(new LogitTable(new float[8 * 4], 8, 4));
        var e = Assert.Throws<ArgumentException>(() => FeaturePlan.Create([new FeatureSpec("cnn", "3", "3", FeatureLossKind.Attention, 1f)], student,
            [("cnn", cached)], s_settings));
        Assert.Contains("logits only", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequestsFor_AttentionMapsOnTheWire_OnlyForLayersNoHintNeeds()
    {
        using var student = Model.Create("cnn:4-8-16?classes=4", 1);
        var plan = FeaturePlan.Create(
            [
                new FeatureSpec("cnn", "3", "3", FeatureLossKind.Attention, 1f),
                new FeatureSpec("cnn", "0", "0", FeatureLossKind.Attention, 1f),
                new FeatureSpec("cnn", "0", "0", FeatureLossKind.Hint, 1f),
            ], student, [("cnn", Teacher())], s_settings, new FeatureWire(AttentionMaps: true));

        var requests = plan.RequestsFor("cnn");

        Assert.Equal([("3", true), ("0", false)], requests.Select(r => (r.Layer, r.AttentionMap)));
        Assert.Empty(plan.RequestsFor("other"));
    }

    private static FeaturePlan Plan(FeatureSpec spec)
    {
        using var student = Model.Create("cnn:4-8-16?classes=4", 1);
        return FeaturePlan.Create([spec], student, [("cnn", Teacher())], s_settings);
    }

    private static ILogitSource Teacher() => new ModelLogitSource(Model.Create("cnn:8-16-32?classes=4", 1), s_images);
}
