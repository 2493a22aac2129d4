using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>Wrong shapes, malformed architectures, non-finite numbers and bad labels fail loudly and say where.</summary>
public sealed class BadInputTests
{
    [Fact]
    public void Linear_WrongInputWidth_ThrowsNamingLayerAndBothShapes()
    {
        using var model = Model.Create("mlp:784-64-10", seed: 1);
        using var scope = torch.NewDisposeScope();
        var error = Assert.Throws<ShapeMismatchException>(() => model.RunLayer(2, torch.zeros(4, 63)));
        Assert.Contains("layer 2 Linear(64→10)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(4, 63)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(B, 64)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conv2d_WrongChannels_ThrowsNamingLayerAndBothShapes()
    {
        using var model = Model.Create("cnn:32-64-128", seed: 1);
        using var scope = torch.NewDisposeScope();
        var error = Assert.Throws<ShapeMismatchException>(() => model.RunLayer(3, torch.zeros(2, 31, 13, 13)));
        Assert.Contains("layer 3 Conv2d(32→64, 3×3)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 31, 13, 13)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(B, 32, 13, 13)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mlp:784-64-10", 2, 100)]
    [InlineData("cnn:32-64-128", 2, 1, 28, 27)]
    [InlineData("cnn:32-64-128", 784)]
    public void Model_WrongInputShape_ThrowsNamingModelAndBothShapes(string architecture, params int[] shape)
    {
        using var model = Model.Create(architecture, seed: 1);
        using var scope = torch.NewDisposeScope();
        var error = Assert.Throws<ShapeMismatchException>(() => model.forward(torch.zeros(Array.ConvertAll(shape, d => (long)d))));
        Assert.Contains(architecture, error.Message, StringComparison.Ordinal);
        Assert.Contains(ShapeText.Format(shape), error.Message, StringComparison.Ordinal);
        Assert.Contains(ShapeText.FormatBatch(model.Architecture.InputShape), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("mlp")]
    [InlineData(":784-10")]
    [InlineData("rnn:784-10")]
    [InlineData("MLP:784-10")]
    [InlineData("mlp:784")]
    [InlineData("mlp:")]
    [InlineData("mlp:784-x-10")]
    [InlineData("mlp:784--10")]
    [InlineData("mlp:784-0-10")]
    [InlineData("mlp:-784-10")]
    [InlineData("mlp:784-64-10-")]
    [InlineData("mlp:99999999999-10")]
    [InlineData("mlp:784-64-10?dropout=1")]
    [InlineData("mlp:784-64-10?dropout=-0.1")]
    [InlineData("mlp:784-64-10?dropout=NaN")]
    [InlineData("mlp:784-64-10?dropout=abc")]
    [InlineData("mlp:784-64-10?dropout")]
    [InlineData("mlp:784-64-10?drop=0.2")]
    [InlineData("cnn:32-64")]
    [InlineData("cnn:32-64-128-10")]
    [InlineData("cnn:32-64-128?classes=1")]
    [InlineData("cnn:32-64-128?classes=ten")]
    [InlineData("cnn:32-64-128?dropout=0.2")]
    public void Parse_MalformedArchitecture_ThrowsArchitectureExceptionQuotingIt(string text)
    {
        var error = Assert.Throws<ArchitectureException>(() => Architecture.Parse(text));
        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArchitectureException>(() => Model.Create(text, seed: 1));
    }

    [Fact]
    public void DistillationLoss_NaNInLogits_ThrowsNamingRowColumnAndShape()
    {
        using var scope = torch.NewDisposeScope();
        var logits = new float[4 * 10];
        logits[1 * 10 + 3] = float.NaN;
        var error = Assert.Throws<NonFiniteException>(() =>
            new DistillationLoss(2f, 0.5f).Terms(TensorData.From(logits, [4, 10]), [0, 1, 2, 3], Uniform(4, 10)).Read());
        Assert.Contains("DistillationLoss: student logits of shape (4, 10) holds NaN at row 1, column 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DistillationLoss_InfinityInTargets_ThrowsNamingRowColumnAndShape()
    {
        using var scope = torch.NewDisposeScope();
        var targets = Enumerable.Repeat(0.1f, 40).ToArray();
        targets[3 * 10 + 9] = float.PositiveInfinity;
        var error = Assert.Throws<NonFiniteException>(() =>
            new DistillationLoss(2f, 1f).Terms(torch.zeros(4, 10), [-1, -1, -1, -1], TensorData.From(targets, [4, 10])).Read());
        Assert.Contains("soft targets p̄ of shape (4, 10) holds Infinity at row 3, column 9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CrossEntropy_NegativeInfinityInLogits_Throws()
    {
        using var scope = torch.NewDisposeScope();
        var logits = new float[6];
        logits[2] = float.NegativeInfinity;
        var error = Assert.Throws<NonFiniteException>(() => new DistillationLoss(1f, 0f).Terms(TensorData.From(logits, [2, 3]), [0, 1], null).Read());
        Assert.Contains("row 0, column 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainingStep_NaNInInputs_IsRefusedBeforeTheWeightsChange()
    {
        using var model = Model.Create("mlp:4-3-2", seed: 1);
        var step = new MultiTeacher.Core.Training.TrainingStep(model, MultiTeacher.Core.Optimizers.Optimizer.Create("adam", model, 0.1f), new DistillationLoss(1f, 0f));
        var before = model.GetWeights();
        using var scope = torch.NewDisposeScope();
        var inputs = new float[8];
        inputs[5] = float.NaN;

        var error = Assert.Throws<NonFiniteException>(() => step.Run(TensorData.From(inputs, [2, 4]), [0, 1], null));

        Assert.Contains("student logits of shape (2, 2) holds NaN at row 1", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, model.GetWeights());
    }

    [Fact]
    public void EnsembleAverage_InfinityInTeacherLogits_ThrowsNamingTeacher()
    {
        var bad = new float[6];
        bad[5] = float.PositiveInfinity;
        var error = Assert.Throws<NonFiniteException>(() => EnsembleAverage.Combine(
            [new float[6], bad], [1f, 1f], 2, 3, 1f, EnsembleMethod.Mean, new float[6]));
        Assert.Contains("logits of teacher 1 of shape (2, 3) holds Infinity at row 1, column 2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(-2)]
    [InlineData(int.MaxValue)]
    public void Losses_LabelOutOfRange_ThrowNamingLabelAndRow(int label)
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.zeros(3, 10);
        int[] labels = [0, label, 1];
        foreach (var alpha in new[] { 0f, 0.5f, 1f })
        {
            var distilled = Assert.Throws<ArgumentOutOfRangeException>(() =>
                new DistillationLoss(2f, alpha).Terms(logits, labels, Uniform(3, 10)));
            Assert.Contains($"label {label} of row 1 is outside [0, 10)", distilled.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void DistillationLoss_LabelsOrTargetsOfWrongShape_ThrowShapeMismatch()
    {
        using var scope = torch.NewDisposeScope();
        var loss = new DistillationLoss(2f, 0.5f);
        Assert.Throws<ShapeMismatchException>(() => loss.Terms(torch.zeros(3, 10), [0, 1], Uniform(3, 10)));
        Assert.Throws<ShapeMismatchException>(() => loss.Terms(torch.zeros(3, 10), [0, 1, 2], Uniform(3, 9)));
        Assert.Throws<ShapeMismatchException>(() => loss.Terms(torch.zeros(30), [0, 1, 2], Uniform(3, 10)));
    }

    [Fact]
    public void DistillationLoss_AlphaWithoutTargets_SaysWhatIsMissing()
    {
        using var scope = torch.NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => new DistillationLoss(2f, 0.5f).Terms(torch.zeros(3, 10), [0, 1, 2], null));
        Assert.Contains("needs soft targets", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0f, 0.5f)]
    [InlineData(-1f, 0.5f)]
    [InlineData(float.NaN, 0.5f)]
    [InlineData(float.PositiveInfinity, 0.5f)]
    [InlineData(2f, -0.1f)]
    [InlineData(2f, 1.1f)]
    [InlineData(2f, float.NaN)]
    public void DistillationLoss_BadTemperatureOrAlpha_Throws(float temperature, float alpha) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistillationLoss(temperature, alpha));

    /// <summary>Rows of a uniform distribution.</summary>
    private static torch.Tensor Uniform(int rows, int classes) => torch.full(rows, classes, 1f / classes);
}
