using System.Globalization;
using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Tensors;
using static MultiTeacher.Core.Tests.Nn.Close;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>
/// Softmax, cross-entropy, KL divergence, the distillation loss and the ensemble averages against PyTorch (float64
/// references of the same float32 inputs).
/// </summary>
public sealed class LossGoldenTests
{
    private const double Atol = 1e-6;
    private const double Rtol = 1e-5;

    [Theory]
    [InlineData(1f)]
    [InlineData(2f)]
    [InlineData(4f)]
    public void Softmax_Temperature_MatchesPyTorch(float temperature)
    {
        var g = GoldenFile.Load("softmax");
        var (z, shape) = (g["z"], g.Shape("z"));
        var key = $"T{temperature.ToString(CultureInfo.InvariantCulture)}";
        var p = new float[z.Length];
        Softmax.Forward(z, shape[1], temperature, p);
        AssertClose(p, g[$"{key}.p"], Atol, Rtol, $"softmax {key}", shape);

        var logp = new float[z.Length];
        Softmax.LogForward(z, shape[1], temperature, logp);
        AssertClose(logp, g[$"{key}.logp"], 1e-5, Rtol, $"log-softmax {key}", shape);
    }

    [Fact]
    public void CrossEntropy_GoldenFile_MatchesPyTorch()
    {
        var g = GoldenFile.Load("cross_entropy");
        var grad = new Tensor(0, 0);
        var loss = new CrossEntropyLoss().Compute(g.Tensor("z"), g.Labels("labels"), grad);
        AssertClose(loss, g.Scalar("loss"), Atol, Rtol, "cross-entropy loss");
        AssertClose(grad.Span, g["dz"], Atol, Rtol, "cross-entropy dz", grad.Shape);
    }

    [Fact]
    public void KlDivergence_BatchMeanWithZeroTarget_MatchesPyTorch()
    {
        var g = GoldenFile.Load("kl_div");
        var shape = g.Shape("logq");
        var grad = new float[g["logq"].Length];
        var loss = KlDivergence.BatchMean(g["logq"], g["p"], shape[0], shape[1], grad);
        AssertClose(loss, g.Scalar("loss"), Atol, Rtol, "kl_div loss");
        AssertClose(grad, g["dlogq"], Atol, Rtol, "kl_div dlogq", shape);
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
        var grad = new Tensor(0, 0);
        var value = new DistillationLoss(temperature, alpha).Compute(g.Tensor("zs"), g.Labels($"labels.{labels}"), g[$"{key}.pbar"], grad);

        var label = $"distillation {key} labels={labels}";
        AssertClose(value.Total, g.Scalar($"{key}.{labels}.loss"), Atol, Rtol, $"{label} loss");
        AssertClose(value.CrossEntropy, g.Scalar($"{key}.{labels}.ce"), Atol, Rtol, $"{label} ce");
        if (alpha > 0)
        {
            AssertClose(value.Distillation, g.Scalar($"{key}.{labels}.kd"), Atol, Rtol, $"{label} kd");
        }

        AssertClose(grad.Span, g[$"{key}.{labels}.dz"], Atol, Rtol, $"{label} dz", grad.Shape);
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
