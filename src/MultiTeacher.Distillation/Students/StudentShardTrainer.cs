using MultiTeacher.Core.Data;
using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using MultiTeacher.Core.Tensors;
using MultiTeacher.Core.Training;

namespace MultiTeacher.Distillation.Students;

/// <summary>
/// Trains a student on one shard at a time with the distillation loss: the shard's rows in their planned order, cut
/// into mini-batches. Used by the student actor and by the plain reference loop alike, so both train the same way.
/// </summary>
public sealed class StudentShardTrainer
{
    private readonly TrainingStep _step;
    private readonly DistillationSettings _settings;
    private readonly Tensor _inputs;
    private readonly int[] _labels;

    /// <summary>Creates the trainer; the optimizer is Adam with the settings' learning rate.</summary>
    public StudentShardTrainer(Model student, DistillationSettings settings)
    {
        settings.Validate();
        _settings = settings;
        Model = student;
        _step = new TrainingStep(student, new Adam(student.Parameters, settings.LearningRate), new DistillationLoss(settings.Temperature, settings.Alpha));
        _inputs = new Tensor(settings.BatchSize, student.Architecture.InputSize);
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
            _inputs.Reshape(count, data.Features);
            for (var i = 0; i < count; i++)
            {
                data.Row(batchRows[i]).CopyTo(_inputs.Span.Slice(i * data.Features, data.Features));
                _labels[i] = labels[batchRows[i]];
            }

            var batchTargets = targets.IsEmpty ? targets : targets.Slice(first * classes, count * classes);
            var value = _step.Run(_inputs, _labels.AsSpan(0, count), batchTargets);
            lossSum += value.Total * count;
            labelled += value.LabelledRows;
            correct += Evaluator.CountCorrect(_step.LastLogits!.Span, _labels.AsSpan(0, count), classes);
            afterStep?.Invoke(Steps);
        }

        return new ShardResult(rows.Length, lossSum / Math.Max(1, rows.Length), correct, labelled);
    }
}
