using System.Globalization;
using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Torch;
using TorchSharp;
using static MultiTeacher.Core.Tests.Nn.Close;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>
/// Cross-entropy, the distillation loss (values and gradients with respect to the student logits, by autograd) and the
/// ensemble averages against PyTorch (float64 references of the same float32 inputs).
/// </summary>
public sealed class LossGoldenTests
{
    private const double Atol = 1e-6;
    private const double Rtol = 1e-5;

    [Fact]
    public void CrossEntropy_AlphaZero_MatchesPyTorch()
    {
        var g = GoldenFile.Load("cross_entropy");
        using var scope = torch.NewDisposeScope();
        var z = g.Tensor("z").requires_grad_(true);
        var terms = new DistillationLoss(1f, 0f).Terms(z, g.Labels("labels"), null);
        terms.Total.backward();

        AssertClose(terms.Read().Value.Total, g.Scalar("loss"), Atol, Rtol, "cross-entropy loss");
        AssertClose(TensorData.ToArray(z.grad!), g["dz"], Atol, Rtol, "cross-entropy dz", g.Shape("z"));
    }

    public static TheoryData<float, float, string> DistillationCases()
    {
        var cases = new TheoryData<float, float, string>();
        foreach (var (t, alpha) in new[] { (1f, 0f), (2f, 0.5f), (4f, 0.9f), (3f, 1f) })
        {
            cases.Add(t, alpha, "all");
            cases.Add(t, alpha, "partial");
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(DistillationCases))]
    public void Distillation_TemperatureAlphaLabels_MatchesPyTorch(float temperature, float alpha, string labels)
    {
        var g = GoldenFile.Load("distillation");
        var key = string.Create(CultureInfo.InvariantCulture, $"T{temperature}_a{alpha}");
        Assert.Contains(key, g.Meta("cases").Split(','));
        using var scope = torch.NewDisposeScope();
        var zs = g.Tensor("zs").requires_grad_(true);
        var terms = new DistillationLoss(temperature, alpha).Terms(zs, g.Labels($"labels.{labels}"), g.Tensor($"{key}.pbar"));
        terms.Total.backward();
        var value = terms.Read().Value;

        var label = $"distillation {key} labels={labels}";
        AssertClose(value.Total, g.Scalar($"{key}.{labels}.loss"), Atol, Rtol, $"{label} loss");
        AssertClose(value.CrossEntropy, g.Scalar($"{key}.{labels}.ce"), Atol, Rtol, $"{label} ce");
        if (alpha > 0)
        {
            AssertClose(value.Distillation, g.Scalar($"{key}.{labels}.kd"), Atol, Rtol, $"{label} kd");
        }

        AssertClose(TensorData.ToArray(zs.grad!), g[$"{key}.{labels}.dz"], Atol, Rtol, $"{label} dz", g.Shape("zs"));
        Assert.Equal(labels == "all" ? 6 : 4, value.LabelledRows);
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(2f)]
    [InlineData(4f)]
    public void EnsembleAverage_ThreeTeachers_MatchesPyTorch(float temperature)
    {
        var g = GoldenFile.Load("ensemble");
        var shape = g.Shape("z"); // (K, B, C)
        var (k, rows, classes) = (shape[0], shape[1], shape[2]);
        var z = g["z"];
        var teachers = Enumerable.Range(0, k).Select(t => new ReadOnlyMemory<float>(z, t * rows * classes, rows * classes)).ToArray();
        var key = $"T{temperature.ToString(CultureInfo.InvariantCulture)}";
        var result = new float[rows * classes];
        var cases = new (EnsembleMethod Method, float[] Weights, string Name)[]
        {
            (EnsembleMethod.Mean, [], "mean"),
            (EnsembleMethod.Weighted, g["weights"], "weighted"),
            (EnsembleMethod.Geometric, g["weights"], "geometric"),
            (EnsembleMethod.Geometric, [1f, 1f, 1f], "geometric_equal"),
        };
        foreach (var (method, weights, name) in cases)
        {
            EnsembleAverage.Combine(teachers, weights, rows, classes, temperature, method, result);
            AssertClose(result, g[$"{key}.{name}"], Atol, Rtol, $"ensemble {name} {key}", [rows, classes]);
        }
    }
}
