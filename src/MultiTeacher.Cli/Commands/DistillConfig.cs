using System.Globalization;
using MultiTeacher.Configuration;
using MultiTeacher.Core.Losses;
using MultiTeacher.Distillation;
using MultiTeacher.Distillation.Data;
using MultiTeacher.Distillation.Experiments;

namespace MultiTeacher.Cli.Commands;

/// <summary>Reads the <c>multiteacher.distill</c> section of the configuration into a <see cref="DistillRequest"/>.</summary>
internal static class DistillConfig
{
    public const string Section = "multiteacher.distill";

    public static DistillRequest Read(HoconConfig root, string baseDirectory)
    {
        var c = root.GetConfig(Section);
        var settings = new DistillationSettings
        {
            Temperature = (float)c.GetDouble("temperature"),
            Alpha = (float)c.GetDouble("alpha"),
            Aggregation = ParseAggregation(c.GetString("aggregation")),
            TeacherWeights = c.GetStringList("teacher-weights") is { Count: > 0 } w
                ? w.Select(v => float.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToList()
                : null,
            Epochs = c.GetInt("epochs"),
            BatchSize = c.GetInt("batch"),
            LearningRate = (float)c.GetDouble("lr"),
            Seed = c.GetLong("seed"),
            Labels = LabelBudget.Parse(c.GetString("labels")),
            ShardSize = c.GetInt("shard-size"),
            MaxShardsInFlight = c.GetInt("max-shards-in-flight"),
            ShardDeadline = c.GetDuration("shard-deadline"),
            CheckpointEverySteps = c.GetInt("checkpoint-every"),
        };
        return new DistillRequest
        {
            Teachers = c.GetStringList("teachers").Select(p => Path.GetFullPath(p, baseDirectory)).ToList(),
            TeacherLogits = c.GetStringList("teacher-logits").Select(p => Path.GetFullPath(p, baseDirectory)).ToList(),
            Student = c.GetString("student"),
            ValidationRows = c.GetInt("validation"),
            Settings = settings,
        };
    }

    private static EnsembleMethod ParseAggregation(string text) => text.ToLowerInvariant() switch
    {
        "mean" => EnsembleMethod.Mean,
        "weighted" => EnsembleMethod.Weighted,
        "geometric" => EnsembleMethod.Geometric,
        _ => throw new FormatException($"{Section}.aggregation = '{text}': expected mean, weighted or geometric"),
    };
}
