using Akka.Configuration;
using MultiTeacher.Configuration;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Distillation;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Dashboard.Tests;

/// <summary>
/// A short real run: a small MLP student distilled through the actor pipeline from three teachers' logits on the first
/// rows of Fashion-MNIST, evaluated on a validation slice after every epoch, in an ActorSystem that round-trips every
/// message through Hyperion (serialize-messages on, as in the other actor tests).
/// </summary>
internal static class QuickRun
{
    public const string Student = "mlp:784-32-10";
    public const int TeacherCount = 3;

    /// <summary>The product's defaults with serialize-messages on, without the machine's MT_ variables.</summary>
    public static Config Serialized { get; } = ConfigurationFactory.ParseString("""
        akka.actor.serialize-messages = on
        akka.loglevel = WARNING
        """).WithFallback(MultiTeacherConfiguration.Load(null, [], new Dictionary<string, string>()).Config);

    public static Dataset Train(int rows) => DatasetCatalog.Load(null, "train").FirstRows(rows);

    public static Dataset Validation { get; } = DatasetCatalog.Load(null, "test").FirstRows(500);

    /// <summary>The request of a run of <paramref name="epochs"/> epochs over <paramref name="train"/> in shards of <paramref name="shardSize"/> rows.</summary>
    public static PipelineRequest Request(string runId, Dataset train, int epochs, int shardSize) =>
        new(runId, Enumerable.Range(0, TeacherCount).Select(t => new PipelineTeacher($"teacher-{t}", new CachedLogitSource(Logits(train, (ulong)t + 1)))).ToList(),
            Model.Create(Student, 7), train, train.Labels,
            new DistillationSettings { Epochs = epochs, ShardSize = shardSize, BatchSize = 64, Seed = 3, CheckpointEverySteps = 20 })
        {
            Evaluation = new StudentEvaluation(Validation, null),
        };

    /// <summary>A teacher pass stand-in: logits that favour the true class, with seeded noise.</summary>
    private static LogitTable Logits(Dataset train, ulong seed)
    {
        var rng = new Rng(seed);
        var values = new float[train.Count * train.Classes];
        for (var r = 0; r < train.Count; r++)
        {
            for (var c = 0; c < train.Classes; c++)
            {
                values[(r * train.Classes) + c] = (float)rng.NextGaussian() + (c == train.Labels[r] ? 3f : 0f);
            }
        }

        return new LogitTable(values, train.Count, train.Classes);
    }
}
