using MultiTeacher.Core.Data;
using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Losses.Features;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using MultiTeacher.Core.Torch;
using MultiTeacher.Core.Training;
using TorchSharp;

namespace MultiTeacher.Core.Tests.Training;

/// <summary>Training steps whose loss adds attention and hint terms toward a teacher's features.</summary>
[Collection(TorchThreadsCollection.Name)]
public sealed class FeatureTrainingStepTests
{
    private static readonly Dataset s_images = SyntheticDataset.Create(64, 4, 784, seed: 6);

    [Theory]
    [InlineData(FeatureLossKind.Attention, "3", "3")]
    [InlineData(FeatureLossKind.Hint, "3", "3")]
    [InlineData(FeatureLossKind.Hint, "8", "7")]
    public void Run_TowardATeachersFeature_LowersTheFeatureLossAndReportsEachTerm(FeatureLossKind kind, string studentLayer, string teacherLayer)
    {
        using var teacher = Model.Create("cnn:8-16-32?classes=4", 1);
        using var student = Model.Create("cnn:4-8-16?classes=4", 2);
        var adapter = kind == FeatureLossKind.Hint ? HintAdapter.Create(student.FeatureShape(studentLayer), teacher.FeatureShape(teacherLayer), 3) : null;
        var term = new FeatureTerm(studentLayer, kind, 10f, [new FeatureTeacher("cnn", teacherLayer, 1f, adapter)]);
        using var step = new FeatureTrainingStep(student, Optimizer.Create("adam", student, 1e-2f), new DistillationLoss(1f, 0f), [term]);
        var adapterBefore = adapter is null ? null : TensorData.ToArray(adapter.Weight);
        using var scope = torch.NewDisposeScope();
        var rows = Enumerable.Range(0, 32).ToArray();
        var inputs = Batches.Gather(s_images, rows);
        teacher.eval();
        torch.Tensor target;
        using (torch.no_grad())
        {
            target = teacher.ForwardWithFeatures(inputs, [teacherLayer]).Features[0].contiguous();
            target = kind == FeatureLossKind.Attention ? AttentionTransfer.Map(target) : target;
        }

        var labels = rows.Select(r => s_images.Labels[r]).ToArray();
        var first = step.Run(inputs, labels, null, [[target]]);
        FeatureStepResult last = first;
        for (var i = 0; i < 30; i++)
        {
            last = step.Run(inputs, labels, null, [[target]]);
        }

        Assert.True(last.FeatureLosses[0] < 0.7 * first.FeatureLosses[0], $"feature loss {first.FeatureLosses[0]} → {last.FeatureLosses[0]}");
        // The total is CE + λ·L, each reported.
        Assert.Equal(first.Step.Loss.CrossEntropy + (10 * first.FeatureLosses[0]), first.Step.Loss.Total, 4);
        if (adapter is not null)
        {
            Assert.NotEqual(adapterBefore, TensorData.ToArray(adapter.Weight));
        }
    }

    [Fact]
    public void Create_UnknownStudentLayer_RefusedListingTheLayers()
    {
        using var student = Model.Create("cnn:4-8-16?classes=4", 2);
        var term = new FeatureTerm("features.3", FeatureLossKind.Attention, 1f, [new FeatureTeacher("cnn", "3", 1f)]);
        var e = Assert.Throws<UnknownLayerException>(() => new FeatureTrainingStep(student, Optimizer.Create("adam", student, 1e-3f), new DistillationLoss(1f, 0f), [term]));
        Assert.Contains("3: Conv2d(4→8, 3×3)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NaNInTeacherFeature_RefusedBeforeTheWeightsChange()
    {
        using var student = Model.Create("cnn:4-8-16?classes=4", 2);
        var term = new FeatureTerm("3", FeatureLossKind.Attention, 1f, [new FeatureTeacher("cnn", "3", 1f)]);
        using var step = new FeatureTrainingStep(student, Optimizer.Create("adam", student, 1e-3f), new DistillationLoss(1f, 0f), [term]);
        var before = student.GetWeights();
        using var scope = torch.NewDisposeScope();
        var target = torch.ones(4, 11, 11);
        target[2, 5, 5] = torch.tensor(float.NaN);

        var e = Assert.Throws<NonFiniteException>(() => step.Run(Batches.Gather(s_images, [0, 1, 2, 3]), [0, 1, 2, 3], null, [[target]]));

        Assert.Contains("teacher cnn", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, student.GetWeights());
    }

    [Fact]
    public void Run_AlphaZeroBatchWithoutLabels_LeavesTheWeightsAndDoesNotThrow()
    {
        using var student = Model.Create("cnn:4-8-16?classes=4", 2);
        var plain = new TrainingStep(student, Optimizer.Create("adam", student, 1e-3f), new DistillationLoss(1f, 0f));
        var before = student.GetWeights();
        using var scope = torch.NewDisposeScope();

        var result = plain.Run(Batches.Gather(s_images, [0, 1, 2, 3]), [-1, -1, -1, -1], null);

        Assert.Equal((0.0, 0), (result.Loss.Total, result.Loss.LabelledRows));
        Assert.Equal(before, student.GetWeights());
        Assert.Equal(0, plain.Optimizer.Steps);
    }
}
