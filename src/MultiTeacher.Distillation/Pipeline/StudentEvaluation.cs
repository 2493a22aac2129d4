using MultiTeacher.Core.Data;

namespace MultiTeacher.Distillation.Pipeline;

/// <summary>
/// Sets a student evaluates on at the end of every epoch: the validation set picks the weights kept (the best epoch),
/// the test set is only reported.
/// </summary>
public sealed record StudentEvaluation(Dataset? Validation, Dataset? Test)
{
    /// <summary>No evaluation: the last weights are kept.</summary>
    public static StudentEvaluation None { get; } = new(null, null);
}
