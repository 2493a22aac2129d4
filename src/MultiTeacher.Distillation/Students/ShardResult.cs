namespace MultiTeacher.Distillation.Students;

/// <summary>What training on one shard gave.</summary>
/// <param name="Rows">Rows trained on.</param>
/// <param name="MeanLoss">Mean loss over the rows.</param>
/// <param name="Correct">Labelled rows predicted right (in training mode, before each step).</param>
/// <param name="Labelled">Rows that had a label.</param>
public sealed record ShardResult(int Rows, double MeanLoss, int Correct, int Labelled);
