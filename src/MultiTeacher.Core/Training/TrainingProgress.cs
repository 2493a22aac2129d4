namespace MultiTeacher.Core.Training;

/// <summary>Where a training run is, reported after every batch.</summary>
/// <param name="Epoch">Current epoch, from 1.</param>
/// <param name="Epochs">Epochs in the run.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">Mean loss of this epoch so far.</param>
/// <param name="Accuracy">Training accuracy of this epoch so far (on labelled rows, in training mode).</param>
/// <param name="SamplesPerSecond">Throughput since the run started.</param>
/// <param name="Elapsed">Time since the run started.</param>
public readonly record struct TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double Accuracy,
    double SamplesPerSecond, TimeSpan Elapsed)
{
    /// <summary>Fraction of the whole run done, in [0, 1].</summary>
    public double Fraction => ((Epoch - 1) * (double)Batches + Batch) / ((double)Epochs * Batches);
}
