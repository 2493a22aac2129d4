using MultiTeacher.Core.Data;
using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using MultiTeacher.Core.Torch;
using MultiTeacher.Core.Training;
using MultiTeacher.Distillation.Features;
using TorchSharp;

namespace MultiTeacher.Distillation.Students;

/// <summary>
/// Trains a student on one shard at a time with the distillation loss: the shard's rows in their planned order, cut
/// into mini-batches. Used by the student actor and by the plain reference loop alike, so both train the same way.
/// </summary>
public sealed class StudentShardTrainer
{
    private readonly TrainingStep _step;
    private readonly FeatureTargets? _features;
    private readonly DistillationSettings _settings;
    private readonly int[] _labels;

    /// <summary>Creates the trainer; the optimizer is Adam with the settings' learning rate.</summary>
    public StudentShardTrainer(Model student, DistillationSettings settings) : this(student, settings, null)
    {
    }

    /// <summary>
    /// Creates the trainer with the feature terms of <paramref name="features"/> (null: logits only); hint adapters are
    /// initialised from the run's seed, so a seeded run is reproducible.
    /// </summary>
    public StudentShardTrainer(Model student, DistillationSettings settings, FeaturePlan? features)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
        Model = student;
        _step = new TrainingStep(student, Optimizer.Create("adam", student, settings.LearningRate), new DistillationLoss(settings.Temperature, settings.Alpha));
        if (features is not null)
        {
            _features = new FeatureTargets(new FeatureTrainingStep(student, _step.Optimizer, _step.Loss, features.CreateTerms(AdapterSeed(settings.Seed))));
        }

        _labels = new int[settings.BatchSize];
    }

    /// <summary>The student.</summary>
    public Model Model { get; }

    /// <summary>The feature terms (with their hint adapters), or empty when training on logits only.</summary>
    public IReadOnlyList<Core.Losses.Features.FeatureTerm> FeatureTerms => _features?.Terms ?? [];

    /// <summary>Optimizer steps taken.</summary>
    public long Steps => _step.Optimizer.Steps;

    /// <summary>The optimizer, whose state a resumable checkpoint keeps.</summary>
    public Optimizer Optimizer => _step.Optimizer;

    /// <summary>
    /// Trains on <paramref name="rows"/> of <paramref name="data"/>, with <paramref name="labels"/> indexed by dataset row
    /// (−1 = unlabelled) and <paramref name="targets"/> p̄ for the shard (rows.Length × classes; empty when α = 0).
    /// <paramref name="afterStep"/> runs after every optimizer step (checkpointing hooks here).
    /// </summary>
    public ShardResult Train(Dataset data, ReadOnlySpan<int> rows, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets, Action<long>? afterStep = null) =>
        Train(data, rows, labels, targets, [], afterStep);

    /// <summary>
    /// As <see cref="Train(Dataset, ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{float}, Action{long}?)"/>, with
    /// the teachers' <paramref name="features"/> for the shard's rows (used when the trainer has feature terms).
    /// </summary>
    public ShardResult Train(Dataset data, ReadOnlySpan<int> rows, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets, IReadOnlyList<FeatureBlock> features,
        Action<long>? afterStep = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        _features?.Begin(features, rows.Length);
        var classes = Model.Classes;
        var batch = _settings.BatchSize;
        double lossSum = 0, crossEntropySum = 0, distillationSum = 0;
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
                step = _features is null
                    ? _step.Run(inputs, _labels.AsSpan(0, count), batchTargets)
                    : _features.Run(inputs, _labels.AsSpan(0, count), batchTargets, first, count);
            }

            lossSum += step.Loss.Total * count;
            crossEntropySum += step.Loss.CrossEntropy * count;
            distillationSum += step.Loss.Distillation * count;
            labelled += step.Loss.LabelledRows;
            correct += step.Correct;
            afterStep?.Invoke(Steps);
        }

        return new ShardResult(rows.Length, lossSum / Math.Max(1, rows.Length), correct, labelled)
        {
            MeanCrossEntropy = crossEntropySum / Math.Max(1, rows.Length),
            MeanDistillation = distillationSum / Math.Max(1, rows.Length),
            FeatureLosses = _features?.End() ?? new Dictionary<string, double>(),
        };
    }

    /// <summary>The seed of the first hint adapter of a run of seed <paramref name="runSeed"/>: apart from the student's own.</summary>
    private static ulong AdapterSeed(long runSeed) => unchecked((ulong)runSeed + 0x5EED_AD47);
}
