using System.Globalization;
using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Losses.Features;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;
using static MultiTeacher.Core.Tests.Nn.Close;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>
/// The feature-distillation losses (attention transfer, FitNets hints, several teachers) and their gradients with
/// respect to the student's features against PyTorch (tests/pytorch/generate_feature_golden.py).
/// </summary>
public sealed class FeatureLossGoldenTests
{
    private const double Atol = 1e-6;
    private const double Rtol = 1e-5;

    public static TheoryData<string> AttentionCases() =>
        new(GoldenFile.Load("features").Meta("attention.cases").Split(','));

    [Theory]
    [MemberData(nameof(AttentionCases))]
    public void Attention_FromTeacherMap_MatchesPyTorch(string name)
    {
        var g = GoldenFile.Load("features");
        var power = double.Parse(g.Meta($"{name}.p"), CultureInfo.InvariantCulture);
        using var scope = torch.NewDisposeScope();
        var student = g.Tensor($"{name}.s").requires_grad_(true);
        var teacherMap = AttentionTransfer.Map(g.Tensor($"{name}.t"), power);
        AssertClose(TensorData.ToArray(teacherMap), g[$"{name}.t.map"], Atol, Rtol, $"{name} teacher map", g.Shape($"{name}.t.map"));

        var loss = AttentionTransfer.Loss(student, teacherMap, power);
        loss.backward();

        AssertClose(loss.item<float>(), g.Scalar($"{name}.loss"), Atol, Rtol, $"{name} loss");
        AssertClose(TensorData.ToArray(student.grad!), g[$"{name}.ds"], Atol, Rtol, $"{name} d student", g.Shape($"{name}.s"));
    }

    [Theory]
    [InlineData("hint.conv")]
    [InlineData("hint.linear")]
    public void Hint_WithAdapter_MatchesPyTorch(string name)
    {
        var g = GoldenFile.Load("features");
        using var scope = torch.NewDisposeScope();
        var student = g.Tensor($"{name}.s").requires_grad_(true);
        var teacher = g.Tensor($"{name}.t");
        using var adapter = HintAdapter.Create(g.Shape($"{name}.s")[1..], g.Shape($"{name}.t")[1..], seed: 1);
        using (torch.no_grad())
        {
            _ = adapter.Weight.copy_(g.Tensor($"{name}.adapter.weight"));
            _ = adapter.Bias.copy_(g.Tensor($"{name}.adapter.bias"));
        }

        var loss = HintLoss.Loss(adapter, student, teacher);
        loss.backward();

        AssertClose(loss.item<float>(), g.Scalar($"{name}.loss"), Atol, Rtol, $"{name} loss");
        AssertClose(TensorData.ToArray(student.grad!), g[$"{name}.ds"], Atol, Rtol, $"{name} d student", g.Shape($"{name}.s"));
        AssertClose(TensorData.ToArray(adapter.Weight.grad!), g[$"{name}.adapter.dweight"], Atol, Rtol, $"{name} d adapter weight");
        AssertClose(TensorData.ToArray(adapter.Bias.grad!), g[$"{name}.adapter.dbias"], Atol, Rtol, $"{name} d adapter bias");
    }

    [Fact]
    public void FeatureTerm_TwoTeachersWithEnsembleWeights_MatchesPyTorch()
    {
        var g = GoldenFile.Load("features");
        var weights = g.Meta("several.weights").Split(',').Select(w => float.Parse(w, CultureInfo.InvariantCulture)).ToArray();
        using var scope = torch.NewDisposeScope();
        var student = g.Tensor("several.s").requires_grad_(true);
        using var term = new FeatureTerm("3", FeatureLossKind.Attention, 1f,
            [new FeatureTeacher("wide", "3", weights[0]), new FeatureTeacher("small", "5", weights[1])]);
        // One teacher sends its full feature, the other its attention map: both are accepted.
        var loss = term.Loss(student, [g.Tensor("several.t0"), AttentionTransfer.Map(g.Tensor("several.t1"))]);
        loss!.backward();

        AssertClose(loss.item<float>(), g.Scalar("several.loss"), Atol, Rtol, "several teachers loss");
        AssertClose(TensorData.ToArray(student.grad!), g["several.ds"], Atol, Rtol, "several teachers d student", g.Shape("several.s"));

        // A teacher that did not answer: the other's loss alone (its weight renormalised to 1).
        AssertClose(term.Loss(student, [null, g.Tensor("several.t1")])!.item<float>(), g.Scalar("several.loss1"), Atol, Rtol, "second teacher alone");
        Assert.Null(term.Loss(student, [null, null]));
    }

    [Fact]
    public void HintAdapter_SpatialSizesDiffer_RefusedNamingBothShapes()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => HintAdapter.Create([8, 5, 5], [16, 11, 11], 1));
        Assert.Contains("(8, 5, 5)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(16, 11, 11)", e.Message, StringComparison.Ordinal);

        var flatToConv = Assert.Throws<ShapeMismatchException>(() => HintAdapter.Create([32], [16, 5, 5], 1));
        Assert.Contains("(32)", flatToConv.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HintAdapter_Seeded_IsPyTorchDefaultRangeAndReproducible()
    {
        using var a = HintAdapter.Create([8, 5, 5], [16, 5, 5], 7);
        using var b = HintAdapter.Create([8, 5, 5], [16, 5, 5], 7);
        var weights = TensorData.ToArray(a.Weight);
        Assert.Equal(weights, TensorData.ToArray(b.Weight));
        Assert.Equal([16L, 8, 1, 1], a.Weight.shape);
        var bound = 1 / Math.Sqrt(8);
        Assert.All(weights, w => Assert.InRange(w, -bound, bound));
        Assert.True(weights.Max() - weights.Min() > bound, "weights spread over the range");
        Assert.Equal(["weight", "bias"], a.named_parameters().Select(p => p.name));
    }

    [Fact]
    public void Attention_FlatFeature_RefusedWithItsShape()
    {
        using var scope = torch.NewDisposeScope();
        var e = Assert.Throws<ShapeMismatchException>(() => AttentionTransfer.Map(torch.zeros(4, 128)));
        Assert.Contains("(4, 128)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FeatureTerm_NaNInTeacherFeature_RefusedNamingTheTeacher()
    {
        using var scope = torch.NewDisposeScope();
        var target = torch.ones(2, 3, 4, 4);
        target[1, 2, 3, 0] = torch.tensor(float.NaN);
        using var term = new FeatureTerm("3", FeatureLossKind.Attention, 1f, [new FeatureTeacher("cnn", "3", 1f)]);
        var e = Assert.Throws<NonFiniteException>(() => term.Loss(torch.ones(2, 8, 4, 4), [target]));
        Assert.Contains("teacher cnn", e.Message, StringComparison.Ordinal);
        Assert.Contains("NaN", e.Message, StringComparison.Ordinal);
    }
}
