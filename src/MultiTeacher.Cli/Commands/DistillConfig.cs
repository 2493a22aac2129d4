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

    public static DistillRequest Read(LoadedConfiguration configuration, string baseDirectory)
    {
        var c = configuration.Section(Section);
        var teacherWeights = c.GetList("teacher-weights", "numbers", t => float.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture));
        var (teachers, teacherOptions, entryWeights) = TeacherEntries.Read(c, "teachers", baseDirectory);
        var teacherLogits = c.GetStringList("teacher-logits").Select(p => Path.GetFullPath(p, baseDirectory)).ToList();
        var aggregation = c.Get("aggregation", "mean, weighted or geometric", ParseAggregation);
        if (entryWeights.Any(w => w is not null))
        {
            // Weights given per teacher: teachers without one (and teacher logits) weigh 1, and a mean becomes weighted.
            if (teacherWeights.Count > 0)
            {
                throw new InvalidConfigurationException($"{Section}: give teacher weights either as teacher-weights or as weight in the teachers' entries, not both");
            }

            teacherWeights = [.. entryWeights.Select(w => w ?? 1f), .. teacherLogits.Select(_ => 1f)];
            aggregation = aggregation == EnsembleMethod.Mean ? EnsembleMethod.Weighted : aggregation;
        }

        var (features, featureWire) = FeatureEntries.Read(c);
        var settings = new DistillationSettings
        {
            Features = features,
            FeatureWire = featureWire,
            Temperature = (float)c.GetDouble("temperature"),
            Alpha = (float)c.GetDouble("alpha"),
            Aggregation = aggregation,
            TeacherWeights = teacherWeights.Count > 0 ? teacherWeights : null,
            Epochs = c.GetInt("epochs"),
            BatchSize = c.GetInt("batch"),
            LearningRate = (float)c.GetDouble("lr"),
            Seed = c.GetLong("seed"),
            Labels = c.Get("labels", "all, a row count such as 600 or a percentage such as 1%", LabelBudget.Parse),
            ShardSize = c.GetInt("shard-size"),
            MaxShardsInFlight = c.GetInt("max-shards-in-flight"),
            ReplicaInFlight = c.GetInt("replica-in-flight"),
            ShardDeadline = c.GetDuration("shard-deadline"),
            CheckpointEverySteps = c.GetInt("checkpoint-every"),
        };
        return new DistillRequest
        {
            Data = DataConfig.Read(configuration, baseDirectory),
            Teachers = teachers,
            TeacherOptions = teacherOptions,
            TeacherLogits = teacherLogits,
            Student = Core.Models.Architecture.ResolveScriptPath(c.GetString("student"), baseDirectory),
            ValidationRows = c.GetInt("validation"),
            TrainRows = c.HasValue("train-rows") ? c.Get("train-rows", "a row count or all", ParseRows) : null,
            Settings = settings,
        };
    }

    /// <summary>A row count, or null for "all".</summary>
    public static int? ParseRows(string text) =>
        text == "all" ? null : int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    private static EnsembleMethod ParseAggregation(string text) => text.ToLowerInvariant() switch
    {
        "mean" => EnsembleMethod.Mean,
        "weighted" => EnsembleMethod.Weighted,
        "geometric" => EnsembleMethod.Geometric,
        _ => throw new FormatException($"unknown aggregation '{text}'"),
    };
}
