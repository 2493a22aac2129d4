using System.Diagnostics;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using TorchSharp;

namespace MultiTeacher.Core.Training;

/// <summary>
/// Trains a model on labelled data: mini-batches over a per-epoch seeded permutation, dropout on in training only,
/// evaluation after each epoch. For a seed and a thread count the result is the same, bit for bit.
/// </summary>
public sealed class SupervisedTrainer
{
    private readonly TrainingOptions _options;
    private readonly TrainingStep _step;

    /// <summary>Creates a trainer for <paramref name="model"/>.</summary>
    public SupervisedTrainer(Model model, TrainingOptions options)
    {
        options.Validate();
        _options = options;
        Model = model;
        var optimizer = Optimizer.Create(options.Optimizer, model, options.LearningRate, options.Momentum, options.WeightDecay);
        _step = new TrainingStep(model, optimizer, new DistillationLoss(1f, 0f));
    }

    /// <summary>The model being trained.</summary>
    public Model Model { get; }

    /// <summary>
    /// Runs every epoch on <paramref name="train"/>, evaluating on <paramref name="evaluation"/> (when given) after each;
    /// with <see cref="TrainingOptions.Patience"/>, stops early and restores the best epoch's weights.
    /// <paramref name="afterEpoch"/> sees the model after each epoch (before any restore).
    /// Cancellation stops between batches with <see cref="OperationCanceledException"/>.
    /// </summary>
    public IReadOnlyList<EpochSummary> Train(Dataset train, Dataset? evaluation, Action<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default, Action<EpochSummary>? afterEpoch = null)
    {
        var test = evaluation;
        if (_options.Patience is not null && evaluation is null)
        {
            throw new ArgumentException("early stopping needs an evaluation set", nameof(evaluation));
        }

        float[]? best = null;
        var bestAccuracy = double.NegativeInfinity;
        var sinceBest = 0;
        DataCompatibility.Check(Model.Architecture, train, "model");
        if (test is not null)
        {
            DataCompatibility.Check(Model.Architecture, test, "model");
        }

        var batchSize = Math.Min(_options.BatchSize, train.Count);
        var batches = (train.Count + batchSize - 1) / batchSize;
        var labels = new int[batchSize];
        var summaries = new List<EpochSummary>();
        var clock = Stopwatch.StartNew();
        long samples = 0;
        for (var epoch = 1; epoch <= _options.Epochs; epoch++)
        {
            var epochStart = clock.Elapsed;
            var order = ShardPlanner.EpochPermutation(_options.Seed, epoch, train.Count);
            double lossSum = 0;
            long correct = 0, seen = 0;
            for (var b = 0; b < batches; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rows = order.AsSpan(b * batchSize, Math.Min(batchSize, train.Count - b * batchSize));
                for (var i = 0; i < rows.Length; i++)
                {
                    labels[i] = train.Labels[rows[i]];
                }

                StepResult step;
                using (torch.NewDisposeScope())
                {
                    step = _step.Run(Batches.Gather(train, rows), labels.AsSpan(0, rows.Length), null);
                }

                lossSum += step.Loss.Total * rows.Length;
                correct += step.Correct;
                seen += rows.Length;
                samples += rows.Length;
                progress?.Invoke(new TrainingProgress(epoch, _options.Epochs, b + 1, batches, lossSum / seen,
                    (double)correct / seen, samples / clock.Elapsed.TotalSeconds, clock.Elapsed));
            }

            double? testAccuracy = test is null ? null : Evaluator.Evaluate(Model, test).Accuracy;
            var summary = new EpochSummary(epoch, lossSum / seen, (double)correct / seen, testAccuracy, (clock.Elapsed - epochStart).TotalSeconds);
            summaries.Add(summary);
            afterEpoch?.Invoke(summary);
            if (_options.Patience is not { } patience)
            {
                continue;
            }

            if (testAccuracy > bestAccuracy)
            {
                bestAccuracy = testAccuracy.Value;
                best = Model.GetWeights();
                sinceBest = 0;
            }
            else if (++sinceBest >= patience)
            {
                break;
            }
        }

        if (best is not null)
        {
            Model.SetWeights(best);
        }

        return summaries;
    }
}
