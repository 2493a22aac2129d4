using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MultiTeacher.Core.Losses;

/// <summary>Row-wise softmax and log-softmax of logits divided by a temperature, stable against overflow.</summary>
public static class Softmax
{
    /// <summary><c>p[r, c] = exp(z[r, c]/T − m_r) / Σ_j exp(z[r, j]/T − m_r)</c>, m_r the row maximum of z/T.</summary>
    public static void Forward(ReadOnlySpan<float> logits, int classes, float temperature, Span<float> probabilities)
    {
        CheckArguments(logits.Length, classes, temperature, probabilities.Length);
        var inverse = 1f / temperature;
        for (var offset = 0; offset < logits.Length; offset += classes)
        {
            var row = probabilities.Slice(offset, classes);
            TensorPrimitives.Multiply(logits.Slice(offset, classes), inverse, row);
            TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), row);
            TensorPrimitives.Exp(row, row);
            TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row);
        }
    }

    /// <summary><c>log p[r, c] = z[r, c]/T − m_r − log Σ_j exp(z[r, j]/T − m_r)</c>.</summary>
    public static void LogForward(ReadOnlySpan<float> logits, int classes, float temperature, Span<float> logProbabilities)
    {
        CheckArguments(logits.Length, classes, temperature, logProbabilities.Length);
        var inverse = 1f / temperature;
        for (var offset = 0; offset < logits.Length; offset += classes)
        {
            var row = logProbabilities.Slice(offset, classes);
            TensorPrimitives.Multiply(logits.Slice(offset, classes), inverse, row);
            TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), row);
            var sum = 0.0;
            foreach (var v in row)
            {
                sum += Math.Exp(v);
            }

            TensorPrimitives.Subtract(row, (float)Math.Log(sum), row);
        }
    }

    private static void CheckArguments(int length, int classes, float temperature, int outputLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        if (!(temperature > 0) || float.IsInfinity(temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be a positive finite number");
        }

        if (length % classes != 0 || outputLength != length)
        {
            throw new Layers.ShapeMismatchException(
                $"softmax: {length} logits do not form rows of {classes} classes, or the output holds {outputLength}");
        }
    }
}
