namespace MultiTeacher.Core.Losses;

/// <summary>
/// Kullback–Leibler divergence with PyTorch's <c>F.kl_div(input=log q, target=p, reduction='batchmean')</c>:
/// <c>L = (1/B) Σ_r Σ_c p (log p − log q)</c>, with terms where p = 0 counted as 0; <c>∂L/∂log q = −p/B</c>.
/// </summary>
public static class KlDivergence
{
    /// <summary>Computes the loss for (B, C) inputs; writes ∂L/∂log q into <paramref name="gradLogQ"/> unless it is empty.</summary>
    public static double BatchMean(ReadOnlySpan<float> logQ, ReadOnlySpan<float> p, int rows, int classes, Span<float> gradLogQ)
    {
        const string where = "KlDivergence";
        NumericGuard.CheckLength(logQ.Length, rows, classes, where, "log q");
        NumericGuard.CheckLength(p.Length, rows, classes, where, "target p");
        NumericGuard.CheckFinite(logQ, rows, classes, where, "log q");
        NumericGuard.CheckFinite(p, rows, classes, where, "target p");
        double sum = 0;
        for (var i = 0; i < p.Length; i++)
        {
            if (p[i] > 0)
            {
                sum += p[i] * (Math.Log(p[i]) - logQ[i]);
            }
        }

        if (!gradLogQ.IsEmpty)
        {
            NumericGuard.CheckLength(gradLogQ.Length, rows, classes, where, "gradient");
            for (var i = 0; i < p.Length; i++)
            {
                gradLogQ[i] = -p[i] / rows;
            }
        }

        return sum / rows;
    }
}
