namespace MultiTeacher.Core.Losses;

/// <summary>The value of a loss over a batch and its parts.</summary>
/// <param name="Total">The loss that was differentiated.</param>
/// <param name="CrossEntropy">Cross-entropy summed over labelled rows, divided by the batch size.</param>
/// <param name="Distillation">T²·KL(p̄ ‖ softmax(z/T)) summed over rows, divided by the batch size (0 when α = 0).</param>
/// <param name="LabelledRows">Rows that had a label.</param>
public readonly record struct LossValue(double Total, double CrossEntropy, double Distillation, int LabelledRows);
