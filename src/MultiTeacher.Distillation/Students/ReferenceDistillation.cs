using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Students;

/// <summary>
/// Distillation as a plain loop, no actors: every epoch's shards in order, soft targets from cached teacher logits.
/// The actor pipeline must train exactly this student; grids over T and α use it directly.
/// </summary>
public static class ReferenceDistillation
{
    /// <summary>Trains <paramref name="student"/> for the settings' epochs; <paramref name="afterEpoch"/> runs after each epoch (from 0).</summary>
    public static void Train(Model student, Dataset train, int[] labels, IReadOnlyList<LogitTable> teachers, DistillationSettings settings,
        Action<int>? afterEpoch = null, CancellationToken cancellationToken = default)
    {
        var trainer = new StudentShardTrainer(student, settings);
        for (var epoch = 0; epoch < settings.Epochs; epoch++)
        {
            var plan = ShardPlan.Create(train.Name, train.Count, settings.Seed, epoch, settings.ShardSize);
            foreach (var shard in plan.Shards)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rows = plan.RowsOf(shard);
                var targets = settings.Alpha > 0 ? EnsembleTargets.For(teachers, rows, settings) : [];
                trainer.Train(train, rows, labels, targets);
            }

            afterEpoch?.Invoke(epoch);
        }
    }
}
