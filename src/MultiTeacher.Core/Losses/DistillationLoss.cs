using MultiTeacher.Core.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MultiTeacher.Core.Losses;

/// <summary>
/// The knowledge-distillation loss for a batch of B rows of student logits z_s:
/// <c>L = (1 − α)·CE(z_s, y) + α·T²·KL(p̄ ‖ softmax(z_s/T))</c>, both terms summed over rows and divided by B
/// (PyTorch: <c>F.kl_div(F.log_softmax(zs/T, 1), p̄, reduction='batchmean')·T²</c>). Rows whose label is
/// <see cref="Unlabelled"/> take the distillation term alone. The gradient is
/// <c>∂L/∂z_s = (1−α)(softmax(z_s) − onehot(y))/B + α·T·(softmax(z_s/T) − p̄)/B</c>.
/// α = 0 is supervised training (no targets needed); α = 1 is pure distillation (no labels needed).
/// </summary>
public sealed class DistillationLoss
{
    /// <summary>The label of a row that has none.</summary>
    public const int Unlabelled = -1;

    private float[] _scratch = [];

    /// <summary>Creates the loss with temperature <paramref name="temperature"/> &gt; 0 and weight <paramref name="alpha"/> in [0, 1].</summary>
    public DistillationLoss(float temperature, float alpha)
    {
        if (!(temperature > 0) || float.IsInfinity(temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be a positive finite number");
        }

        if (!(alpha >= 0 && alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in [0, 1]");
        }

        Temperature = temperature;
        Alpha = alpha;
    }

    /// <summary>Temperature T.</summary>
    public float Temperature { get; }

    /// <summary>Weight α of the distillation term.</summary>
    public float Alpha { get; }

    /// <summary>
    /// Computes the loss of <paramref name="logits"/> (B, C) and writes ∂L/∂z_s into <paramref name="gradLogits"/>
    /// (reshaped to (B, C)). <paramref name="targets"/> is p̄ (B, C); it may be empty when α = 0.
    /// </summary>
    public LossValue Compute(Tensor logits, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets, Tensor gradLogits)
    {
        const string where = "DistillationLoss";
        if (logits.Rank != 2)
        {
            throw new Layers.ShapeMismatchException($"{where}: student logits have shape {logits.ShapeString}, expected (B, C)");
        }

        var (rows, classes) = (logits.Dim(0), logits.Dim(1));
        NumericGuard.CheckLength(labels.Length, rows, 1, where, "labels");
        NumericGuard.CheckFinite(logits.Span, rows, classes, where, "student logits");
        var distil = Alpha > 0;
        if (distil)
        {
            NumericGuard.CheckLength(targets.Length, rows, classes, where, "soft targets p̄");
            NumericGuard.CheckFinite(targets, rows, classes, where, "soft targets p̄");
        }

        gradLogits.Reshape(rows, classes);
        if (_scratch.Length < 2 * classes)
        {
            _scratch = new float[2 * classes];
        }

        var probabilities = _scratch.AsSpan(0, classes);
        var logProbabilities = _scratch.AsSpan(classes, classes);
        var inverseBatch = 1f / rows;
        double crossEntropy = 0, divergence = 0;
        var labelled = 0;
        for (var r = 0; r < rows; r++)
        {
            var z = logits.Span.Slice(r * classes, classes);
            var grad = gradLogits.Span.Slice(r * classes, classes);
            grad.Clear();
            var label = labels[r];
            if (label != Unlabelled)
            {
                // Reported even when α = 1 (LossValue.CrossEntropy), differentiated only when it has weight.
                CheckLabel(label, r, classes);
                Softmax.LogForward(z, classes, 1f, logProbabilities);
                crossEntropy -= logProbabilities[label];
                if (Alpha < 1)
                {
                    TensorPrimitives.Exp(logProbabilities, probabilities);
                    probabilities[label] -= 1f;
                    TensorPrimitives.Multiply(probabilities, (1 - Alpha) * inverseBatch, grad);
                }

                labelled++;
            }

            if (distil)
            {
                var p = targets.Slice(r * classes, classes);
                Softmax.LogForward(z, classes, Temperature, logProbabilities);
                for (var c = 0; c < classes; c++)
                {
                    if (p[c] > 0)
                    {
                        divergence += p[c] * (Math.Log(p[c]) - logProbabilities[c]);
                    }
                }

                TensorPrimitives.Exp(logProbabilities, probabilities);
                TensorPrimitives.Subtract(probabilities, p, probabilities);
                TensorPrimitives.MultiplyAdd(probabilities, Alpha * Temperature * inverseBatch, grad, grad);
            }
        }

        var ce = crossEntropy / rows;
        var kd = distil ? divergence * Temperature * Temperature / rows : 0;
        return new LossValue((1 - Alpha) * ce + Alpha * kd, ce, kd, labelled);
    }

    private static void CheckLabel(int label, int row, int classes)
    {
        if (label < 0 || label >= classes)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label,
                $"DistillationLoss: label {label} of row {row} is outside [0, {classes}) (use {Unlabelled} for a row without a label)");
        }
    }
}
