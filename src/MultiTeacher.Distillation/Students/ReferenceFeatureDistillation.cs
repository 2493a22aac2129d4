using MultiTeacher.Core.Data;
using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Features;

namespace MultiTeacher.Distillation.Students;

/// <summary>
/// Feature distillation as a plain loop, no actors: every epoch's shards in order; per shard each teacher network
/// computes its logits and the features the plan asks of it (as the teacher actors do, float16 included), the logits
/// are averaged as the aggregator averages them, and the student trains on both. The actor pipeline must train exactly
/// this student.
/// </summary>
public static class ReferenceFeatureDistillation
{
    /// <summary>Trains <paramref name="student"/> for the settings' epochs; <paramref name="afterEpoch"/> gets each epoch's last shard result.</summary>
    public static void Train(Model student, Dataset train, int[] labels, IReadOnlyList<(string Id, IFeatureSource Source)> teachers, FeaturePlan plan,
        DistillationSettings settings, Action<int, ShardResult>? afterEpoch = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(teachers);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(settings);
        var trainer = new StudentShardTrainer(student, settings, plan);
        var classes = student.Classes;
        var weights = teachers.Select((_, i) => settings.WeightOf(i, teachers.Count)).ToArray();
        var requests = teachers.Select(t => plan.RequestsFor(t.Id)).ToArray();
        for (var epoch = 0; epoch < settings.Epochs; epoch++)
        {
            var shards = ShardPlan.Create(train.Name, train.Count, settings.Seed, epoch, settings.ShardSize);
            ShardResult? last = null;
            foreach (var shard in shards.Shards)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rows = shards.RowsOf(shard);
                var logits = new ReadOnlyMemory<float>[teachers.Count];
                var blocks = new List<FeatureBlock>();
                for (var t = 0; t < teachers.Count; t++)
                {
                    var teacherLogits = new float[rows.Length * classes];
                    var features = teachers[t].Source.LogitsAndFeatures(rows, teacherLogits, requests[t]);
                    logits[t] = teacherLogits;
                    blocks.AddRange(requests[t].Select((r, i) => FeatureBlock.Create(teachers[t].Id, r.Layer, r.AttentionMap,
                        Array.ConvertAll(features[i].Shape, d => (int)d), features[i].Values, plan.Wire.Float16)));
                }

                var targets = new float[rows.Length * classes];
                if (settings.Alpha > 0)
                {
                    EnsembleAverage.Combine(logits, weights, rows.Length, classes, settings.Temperature, settings.Aggregation, targets);
                }

                last = trainer.Train(train, rows, labels, settings.Alpha > 0 ? targets : [], blocks);
            }

            afterEpoch?.Invoke(epoch, last!);
        }
    }
}
