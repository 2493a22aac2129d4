using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Core.Tensors;
using static MultiTeacher.Core.Tests.Nn.Close;
using static MultiTeacher.Core.Tests.Nn.FiniteDifferences;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>Every loss's analytic gradient against central finite differences of its value.</summary>
public sealed class LossGradientTests
{
    // Smooth losses: a step of 1e-2 keeps truncation (≈ eps²/6·f''') and float32 rounding of the value both near 1e-5.
    private const double Eps = 1e-2;
    private const double Atol = 3e-5;
    private const double Rtol = 1e-3;

    [Fact]
    public void CrossEntropy_Gradient_MatchesFiniteDifferences()
    {
        var logits = Uniform(new Rng(10), -3, 3, 5, 7);
        int[] labels = [0, 6, 3, 3, 1];
        var loss = new CrossEntropyLoss();
        var grad = new Tensor(0, 0);
        loss.Compute(logits, labels, grad);
        var numeric = Gradient(logits.Buffer, Eps, () => loss.Compute(logits, labels, new Tensor(0, 0)));
        AssertClose(grad.Span, numeric, Atol, Rtol, "cross-entropy dz vs finite differences", [5, 7]);
    }

    [Fact]
    public void KlDivergence_Gradient_MatchesFiniteDifferences()
    {
        var (rows, classes) = (4, 6);
        var logQ = new float[rows * classes];
        Softmax.LogForward(Uniform(new Rng(11), -2, 2, rows, classes).Span, classes, 1f, logQ);
        var p = Targets(new Rng(12), rows, classes);
        p[3] = 0; // a zero target: its term and its gradient are 0
        var grad = new float[rows * classes];
        KlDivergence.BatchMean(logQ, p, rows, classes, grad);
        var numeric = Gradient(logQ, Eps, () => KlDivergence.BatchMean(logQ, p, rows, classes, []));
        AssertClose(grad, numeric, Atol, Rtol, "kl_div dlogq vs finite differences", [rows, classes]);
    }

    public static TheoryData<float, float, string> Cases()
    {
        var cases = new TheoryData<float, float, string>();
        foreach (var (t, alpha) in new[] { (1f, 0f), (2f, 0.5f), (4f, 0.9f), (3f, 1f), (0.5f, 0.3f), (1f, 1f) })
        {
            foreach (var labels in new[] { "all", "partial", "none" })
            {
                cases.Add(t, alpha, labels);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Distillation_Gradient_MatchesFiniteDifferences(float temperature, float alpha, string labelled)
    {
        var (rows, classes) = (6, 5);
        var logits = Uniform(new Rng(13), -3, 3, rows, classes);
        var targets = Targets(new Rng(14), rows, classes);
        int[] labels = labelled switch
        {
            "all" => [0, 4, 2, 2, 1, 3],
            "partial" => [0, -1, 2, -1, -1, 3],
            _ => [-1, -1, -1, -1, -1, -1],
        };

        var loss = new DistillationLoss(temperature, alpha);
        var grad = new Tensor(0, 0);
        loss.Compute(logits, labels, targets, grad);
        // The T²-scaled term amplifies the float32 rounding of the value; z/T shrinks the curvature: scale the step with T.
        var eps = Eps * Math.Max(1, temperature);
        var numeric = Gradient(logits.Buffer, eps, () => loss.Compute(logits, labels, targets, new Tensor(0, 0)).Total);
        AssertClose(grad.Span, numeric, Atol, Rtol, $"distillation T={temperature} α={alpha} labels={labelled} dz vs finite differences", [rows, classes]);
    }

    [Fact]
    public void Distillation_PartialLabels_CrossEntropyOverLabelledRowsDividedByBatch()
    {
        // The unlabelled rows add nothing to CE but still count in B, as DESIGN.md specifies.
        var logits = Uniform(new Rng(15), -3, 3, 4, 5);
        var targets = Targets(new Rng(16), 4, 5);
        int[] labels = [2, -1, 0, -1];
        var value = new DistillationLoss(2f, 0.5f).Compute(logits, labels, targets, new Tensor(0, 0));

        var logp = new float[20];
        Softmax.LogForward(logits.Span, 5, 1f, logp);
        var expected = -(logp[0 * 5 + 2] + logp[2 * 5 + 0]) / 4.0;
        AssertClose(value.CrossEntropy, expected, 1e-6, 1e-6, "CE over labelled rows / B");
        Assert.Equal(2, value.LabelledRows);
    }

    /// <summary>Rows of a probability distribution (float32, each row normalised).</summary>
    private static float[] Targets(Rng rng, int rows, int classes)
    {
        var p = new float[rows * classes];
        Softmax.Forward(Uniform(rng, -2, 2, rows, classes).Span, classes, 1f, p);
        return p;
    }
}
