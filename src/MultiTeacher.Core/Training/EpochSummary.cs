namespace MultiTeacher.Core.Training;

/// <summary>The figures of one finished epoch.</summary>
/// <param name="Epoch">Epoch number, from 1.</param>
/// <param name="Loss">Mean training loss.</param>
/// <param name="TrainAccuracy">Training accuracy (labelled rows, measured in training mode during the epoch).</param>
/// <param name="EvaluationAccuracy">Accuracy on the evaluation set (test or validation) after the epoch, when one was given.</param>
/// <param name="Seconds">Wall time of the epoch (training and evaluation).</param>
public sealed record EpochSummary(int Epoch, double Loss, double TrainAccuracy, double? EvaluationAccuracy, double Seconds);
