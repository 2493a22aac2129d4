using MultiTeacher.Core.Tensors;

namespace MultiTeacher.Core.Losses;

/// <summary>
/// Cross-entropy of logits against labels, averaged over the batch (PyTorch's <c>F.cross_entropy</c>, mean):
/// <c>L = −(1/B) Σ_r log softmax(z_r)[y_r]</c>, with gradient <c>(softmax(z) − onehot(y))/B</c>.
/// </summary>
public sealed class CrossEntropyLoss
{
    private readonly DistillationLoss _supervised = new(1f, 0f);

    /// <summary>Computes the loss and writes ∂L/∂z into <paramref name="gradLogits"/>; every label must be in [0, C).</summary>
    public double Compute(Tensor logits, ReadOnlySpan<int> labels, Tensor gradLogits)
    {
        foreach (var label in labels)
        {
            if (label == DistillationLoss.Unlabelled)
            {
                throw new ArgumentException("CrossEntropyLoss: every row needs a label; use DistillationLoss for rows without one");
            }
        }

        return _supervised.Compute(logits, labels, [], gradLogits).Total;
    }
}
