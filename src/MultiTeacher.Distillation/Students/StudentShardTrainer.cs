using MultiTeacher.Core.Data;
using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using MultiTeacher.Core.Torch;
using MultiTeacher.Core.Training;
using TorchSharp;

namespace MultiTeacher.Distillation.Students;

/// <summary>
/// Trains a student on one shard at a time with the distillation loss: the shard's rows in their planned order, cut
/// into mini-batches. Used by the student actor and by the plain reference loop alike, so both train the same way.
/// </summary>
public sealed class StudentShardTrainer
{
    private readonly TrainingStep _step;
    private readonly DistillationSettings _settings;
    private readonly int[] _labels;

    /// <summary>Creates the trainer; the optimizer is Adam with the settings' learning rate.</summary>
    public StudentShardTrainer(Model student, DistillationSettings settings)
    {
        settings.Validate();
        _settings = settings;
        Model = student;
        _step = new TrainingStep(student, Optimizer.Create("adam", student, settings.LearningRate), new DistillationLoss(settings.Temperature, settings.Alpha));
        _labels = new int[settings.BatchSize];
    }

    /// <summary>The student.</summary>
    public Model Model { get; }

    /// <summary>Optimizer steps taken.</summary>
    public long Steps => _step.Optimizer.Steps;

    /// <summary>The optimizer, whose state a resumable checkpoint keeps.</summary>
    public Optimizer Optimizer => _step.Optimizer;

    /// <summary>
    /// Trains on <paramref name="rows"/> of <paramref name="data"/>, with <paramref name="labels"/> indexed by dataset row
    /// (−1 = unlabelled) and <paramref name="targets"/> p̄ for the shard (rows.Length × classes; empty when α = 0).
    /// <paramref name="afterStep"/> runs after every optimizer step (checkpointing hooks here).
    /// </summary>
    public ShardResult Train(Dataset data, ReadOnlySpan<int> rows, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets, Action<long>? afterStep = null)
    {
        var classes = Model.Classes;
        var batch = _settings.BatchSize;
        double lossSum = 0;
        var correct = 0;
        var labelled = 0;
        for (var first = 0; first < rows.Length; first += batch)
        {
            var count = Math.Min(batch, rows.Length - first);
            var batchRows = rows.Slice(first, count);
            for (var i = 0; i < count; i++)
            {
                _labels[i] = labels[batchRows[i]];
            }

            StepResult step;
            using (torch.NewDisposeScope())
            {
                var inputs = Batches.Gather(data, batchRows); // (B, features)
                var batchTargets = targets.IsEmpty ? null : TensorData.From(targets.Slice(first * classes, count * classes), [count, classes], inputs.device);
                step = _step.Run(inputs, _labels.AsSpan(0, count), batchTargets);
            }

            lossSum += step.Loss.Total * count;
            labelled += step.Loss.LabelledRows;
            correct += step.Correct;
            afterStep?.Invoke(Steps);
        }

        return new ShardResult(rows.Length, lossSum / Math.Max(1, rows.Length), correct, labelled);
    }
}
