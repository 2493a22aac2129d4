using MultiTeacher.Core.Layers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MultiTeacher.Core.Losses;

/// <summary>
/// Combines K teachers' logits (each B × C) into soft targets p̄ (B × C). Each teacher is tempered,
/// <c>p_k = softmax(z_k / T)</c>, then <see cref="EnsembleMethod.Mean"/> and <see cref="EnsembleMethod.Weighted"/> give
/// <c>p̄ = Σ_k w_k p_k / Σ_k w_k</c> and <see cref="EnsembleMethod.Geometric"/> gives
/// <c>p̄ = softmax(Σ_k w_k log p_k / Σ_k w_k)</c>.
/// </summary>
public static class EnsembleAverage
{
    /// <summary>Writes p̄ into <paramref name="result"/>; weights are ignored (all 1) for <see cref="EnsembleMethod.Mean"/>.</summary>
    public static void Combine(IReadOnlyList<ReadOnlyMemory<float>> teacherLogits, ReadOnlySpan<float> weights,
        int rows, int classes, float temperature, EnsembleMethod method, Span<float> result)
    {
        const string where = "EnsembleAverage";
        var k = teacherLogits.Count;
        if (k == 0)
        {
            throw new ArgumentException($"{where}: no teacher outputs to combine");
        }

        if (method != EnsembleMethod.Mean && weights.Length != k)
        {
            throw new ShapeMismatchException($"{where}: {weights.Length} weights for {k} teachers");
        }

        NumericGuard.CheckLength(result.Length, rows, classes, where, "result");
        var total = 0f;
        for (var t = 0; t < k; t++)
        {
            var w = method == EnsembleMethod.Mean ? 1f : weights[t];
            if (!(w >= 0) || float.IsInfinity(w))
            {
                throw new ArgumentOutOfRangeException(nameof(weights), w, $"{where}: weight of teacher {t} must be finite and not negative");
            }

            total += w;
            NumericGuard.CheckLength(teacherLogits[t].Length, rows, classes, where, $"logits of teacher {t}");
            NumericGuard.CheckFinite(teacherLogits[t].Span, rows, classes, where, $"logits of teacher {t}");
        }

        if (!(total > 0))
        {
            throw new ArgumentException($"{where}: the teachers' weights sum to {total}; at least one must be positive");
        }

        var scratch = new float[rows * classes];
        result.Clear();
        for (var t = 0; t < k; t++)
        {
            var w = (method == EnsembleMethod.Mean ? 1f : weights[t]) / total;
            if (method == EnsembleMethod.Geometric)
            {
                Softmax.LogForward(teacherLogits[t].Span, classes, temperature, scratch);
            }
            else
            {
                Softmax.Forward(teacherLogits[t].Span, classes, temperature, scratch);
            }

            TensorPrimitives.MultiplyAdd(scratch, w, result, result);
        }

        if (method == EnsembleMethod.Geometric)
        {
            result.CopyTo(scratch);
            Softmax.Forward(scratch, classes, 1f, result);
        }
    }
}
