using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MultiTeacher.Core.Losses;

/// <summary>
/// Combines K teachers' logits (each B × C) into soft targets p̄ (B × C). Each teacher is tempered,
/// <c>p_k = softmax(z_k / T)</c>, then <see cref="EnsembleMethod.Mean"/> and <see cref="EnsembleMethod.Weighted"/> give
/// <c>p̄ = Σ_k w_k p_k / Σ_k w_k</c> and <see cref="EnsembleMethod.Geometric"/> gives
/// <c>p̄ = softmax(Σ_k w_k log p_k / Σ_k w_k)</c>. Torch ops on the configured device.
/// </summary>
public static class EnsembleAverage
{
    private const string Where = "EnsembleAverage";

    /// <summary>Writes p̄ into <paramref name="result"/>; weights are ignored (all 1) for <see cref="EnsembleMethod.Mean"/>.</summary>
    public static void Combine(IReadOnlyList<ReadOnlyMemory<float>> teacherLogits, ReadOnlySpan<float> weights,
        int rows, int classes, float temperature, EnsembleMethod method, Span<float> result)
    {
        ArgumentNullException.ThrowIfNull(teacherLogits);
        var k = teacherLogits.Count;
        var normalized = Normalize(k, weights, method);
        NumericGuard.CheckLength(result.Length, rows, classes, Where, "result");
        var stacked = new float[k * rows * classes];
        for (var t = 0; t < k; t++)
        {
            NumericGuard.CheckLength(teacherLogits[t].Length, rows, classes, Where, $"logits of teacher {t}");
            NumericGuard.CheckFinite(teacherLogits[t].Span, rows, classes, Where, $"logits of teacher {t}");
            teacherLogits[t].Span.CopyTo(stacked.AsSpan(t * rows * classes));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var z = TensorData.From(stacked, [k, rows, classes], TorchRuntime.Device);
        TensorData.CopyTo(Combine(z, normalized, temperature, method), result);
    }

    /// <summary>
    /// p̄ (B, C) of stacked logits <paramref name="logits"/> (K, B, C) with <paramref name="weights"/> already normalised
    /// to sum 1 (see <see cref="Normalize"/>).
    /// </summary>
    public static Tensor Combine(Tensor logits, float[] weights, float temperature, EnsembleMethod method)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(weights);
        if (!(temperature > 0) || float.IsInfinity(temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be a positive finite number");
        }

        var w = TensorData.From(weights, [weights.Length, 1, 1], logits.device);
        using var t = ((double)temperature).ToScalar(); // explicit and alive until the op is done (see Scalars)
        var scaled = logits.div(t);
        return method == EnsembleMethod.Geometric
            ? F.softmax((F.log_softmax(scaled, 2) * w).sum(dim: 0), 1)
            : (F.softmax(scaled, 2) * w).sum(dim: 0);
    }

    /// <summary>
    /// The weights of <paramref name="count"/> teachers divided by their sum (all equal for <see cref="EnsembleMethod.Mean"/>);
    /// refuses a negative or non-finite weight, a count that does not match, or weights that sum to zero.
    /// </summary>
    public static float[] Normalize(int count, ReadOnlySpan<float> weights, EnsembleMethod method)
    {
        if (count == 0)
        {
            throw new ArgumentException($"{Where}: no teacher outputs to combine");
        }

        if (method != EnsembleMethod.Mean && weights.Length != count)
        {
            throw new ShapeMismatchException($"{Where}: {weights.Length} weights for {count} teachers");
        }

        var normalized = new float[count];
        var total = 0f;
        for (var t = 0; t < count; t++)
        {
            var w = method == EnsembleMethod.Mean ? 1f : weights[t];
            if (!(w >= 0) || float.IsInfinity(w))
            {
                throw new ArgumentOutOfRangeException(nameof(weights), w, $"{Where}: weight of teacher {t} must be finite and not negative");
            }

            normalized[t] = w;
            total += w;
        }

        if (!(total > 0))
        {
            throw new ArgumentException($"{Where}: the teachers' weights sum to {total}; at least one must be positive");
        }

        for (var t = 0; t < count; t++)
        {
            normalized[t] /= total;
        }

        return normalized;
    }
}
