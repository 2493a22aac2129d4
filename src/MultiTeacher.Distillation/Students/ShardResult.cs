namespace MultiTeacher.Distillation.Students;

/// <summary>What training on one shard gave.</summary>
/// <param name="Rows">Rows trained on.</param>
/// <param name="MeanLoss">Mean loss over the rows.</param>
/// <param name="Correct">Labelled rows predicted right (in training mode, before each step).</param>
/// <param name="Labelled">Rows that had a label.</param>
public sealed record ShardResult(int Rows, double MeanLoss, int Correct, int Labelled)
{
    /// <summary>Mean of the cross-entropy part over the rows (summed over labelled rows / batch size, as the loss has it).</summary>
    public double MeanCrossEntropy { get; init; }

    /// <summary>Mean of the distillation part T²·KL over the rows (0 when α = 0).</summary>
    public double MeanDistillation { get; init; }

    /// <summary>Each feature term's mean loss over the rows (before its weight), by term label such as <c>attention(3)</c>; empty without feature terms.</summary>
    public IReadOnlyDictionary<string, double> FeatureLosses { get; init; } = new Dictionary<string, double>();
}
