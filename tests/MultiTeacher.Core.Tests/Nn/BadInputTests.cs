using MultiTeacher.Core.Layers;
using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Tensors;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>Wrong shapes, malformed architectures, non-finite numbers and bad labels fail loudly and say where.</summary>
public sealed class BadInputTests
{
    [Fact]
    public void Dense_WrongInputWidth_ThrowsNamingLayerAndBothShapes()
    {
        var model = Model.Create("mlp:784-64-10", seed: 1);
        var dense = model.Layers[2];
        var error = Assert.Throws<ShapeMismatchException>(() => dense.Forward(new Tensor(4, 63), training: false));
        Assert.Contains("layer 2 Dense(64→10)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(4, 63)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(B, 64)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conv2d_WrongInputShape_ThrowsNamingLayerAndBothShapes()
    {
        var model = Model.Create("cnn:32-64-128", seed: 1);
        var error = Assert.Throws<ShapeMismatchException>(() => model.Layers[3].Forward(new Tensor(2, 32, 12, 13), training: false));
        Assert.Contains("layer 3 Conv2d(32→64, 3×3, padding=0)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 32, 12, 13)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(B, 32, 13, 13)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backward_GradientOfWrongShape_ThrowsNamingLayerAndBothShapes()
    {
        var layer = new Relu([5]);
        layer.Forward(new Tensor(3, 5), training: true);
        var error = Assert.Throws<ShapeMismatchException>(() => layer.Backward(new Tensor(3, 4)));
        Assert.Contains("ReLU", error.Message, StringComparison.Ordinal);
        Assert.Contains("(3, 4)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(3, 5)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backward_BeforeForward_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new MaxPool2d([1, 4, 4], 2).Backward(new Tensor(1, 1, 2, 2)));
        Assert.Contains("before Forward", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mlp:784-64-10", 2, 100)]
    [InlineData("cnn:32-64-128", 2, 1, 28, 27)]
    [InlineData("cnn:32-64-128", 784)]
    public void Model_WrongInputShape_ThrowsNamingModelAndBothShapes(string architecture, params int[] shape)
    {
        var model = Model.Create(architecture, seed: 1);
        var error = Assert.Throws<ShapeMismatchException>(() => model.Forward(new Tensor(shape), training: false));
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
        var logits = new Tensor(4, 10);
        logits.Span[1 * 10 + 3] = float.NaN;
        var error = Assert.Throws<NonFiniteException>(() =>
            new DistillationLoss(2f, 0.5f).Compute(logits, [0, 1, 2, 3], Uniform(4, 10), new Tensor(0, 0)));
        Assert.Contains("student logits of shape (4, 10) holds NaN at row 1, column 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DistillationLoss_InfinityInTargets_ThrowsNamingRowColumnAndShape()
    {
        var targets = Uniform(4, 10);
        targets[3 * 10 + 9] = float.PositiveInfinity;
        var error = Assert.Throws<NonFiniteException>(() =>
            new DistillationLoss(2f, 1f).Compute(new Tensor(4, 10), [-1, -1, -1, -1], targets, new Tensor(0, 0)));
        Assert.Contains("soft targets p̄ of shape (4, 10) holds Infinity at row 3, column 9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CrossEntropy_NegativeInfinityInLogits_Throws()
    {
        var logits = new Tensor(2, 3);
        logits.Span[2] = float.NegativeInfinity;
        var error = Assert.Throws<NonFiniteException>(() => new CrossEntropyLoss().Compute(logits, [0, 1], new Tensor(0, 0)));
        Assert.Contains("row 0, column 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KlDivergence_NaN_ThrowsNamingRowColumnAndShape()
    {
        var logQ = new float[6];
        logQ[4] = float.NaN;
        var error = Assert.Throws<NonFiniteException>(() => KlDivergence.BatchMean(logQ, Uniform(2, 3), 2, 3, []));
        Assert.Contains("log q of shape (2, 3) holds NaN at row 1, column 1", error.Message, StringComparison.Ordinal);
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
        var logits = new Tensor(3, 10);
        int[] labels = [0, label, 1];
        var supervised = Assert.Throws<ArgumentOutOfRangeException>(() => new CrossEntropyLoss().Compute(logits, labels, new Tensor(0, 0)));
        Assert.Contains($"label {label} of row 1 is outside [0, 10)", supervised.Message, StringComparison.Ordinal);

        foreach (var alpha in new[] { 0f, 0.5f, 1f })
        {
            var distilled = Assert.Throws<ArgumentOutOfRangeException>(() =>
                new DistillationLoss(2f, alpha).Compute(logits, labels, Uniform(3, 10), new Tensor(0, 0)));
            Assert.Contains($"label {label} of row 1", distilled.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CrossEntropy_UnlabelledRow_Throws() =>
        Assert.Throws<ArgumentException>(() => new CrossEntropyLoss().Compute(new Tensor(2, 3), [0, DistillationLoss.Unlabelled], new Tensor(0, 0)));

    [Fact]
    public void DistillationLoss_LabelsOrTargetsOfWrongLength_ThrowShapeMismatch()
    {
        var loss = new DistillationLoss(2f, 0.5f);
        Assert.Throws<ShapeMismatchException>(() => loss.Compute(new Tensor(3, 10), [0, 1], Uniform(3, 10), new Tensor(0, 0)));
        Assert.Throws<ShapeMismatchException>(() => loss.Compute(new Tensor(3, 10), [0, 1, 2], Uniform(3, 9), new Tensor(0, 0)));
        Assert.Throws<ShapeMismatchException>(() => loss.Compute(new Tensor(30), [0, 1, 2], Uniform(3, 10), new Tensor(0, 0)));
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
    private static float[] Uniform(int rows, int classes) => Enumerable.Repeat(1f / classes, rows * classes).ToArray();
}
