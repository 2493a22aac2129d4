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
            TrainRows = c.HasPath("train-rows") && c.GetString("train-rows") != "all" ? c.GetInt("train-rows") : null,
            Settings = settings,
        };
    }

    /// <summary>The request as the <c>multiteacher.distill</c> section (JSON, which is HOCON), paths absolute: what a run sends to its nodes.</summary>
    public static string ToJson(DistillRequest request)
    {
        var s = request.Settings;
        var section = new Dictionary<string, object?>
        {
            ["teachers"] = request.Teachers.Select(Path.GetFullPath).ToList(),
            ["teacher-logits"] = request.TeacherLogits.Select(Path.GetFullPath).ToList(),
            ["student"] = request.Student,
            ["seed"] = s.Seed,
            ["temperature"] = s.Temperature,
            ["alpha"] = s.Alpha,
            ["aggregation"] = s.Aggregation.ToString().ToLowerInvariant(),
            ["teacher-weights"] = s.TeacherWeights?.Select(w => w.ToString("R", CultureInfo.InvariantCulture)).ToList() ?? [],
            ["epochs"] = s.Epochs,
            ["batch"] = s.BatchSize,
            ["lr"] = s.LearningRate,
            ["labels"] = s.Labels.ToString(),
            ["validation"] = request.ValidationRows,
            ["train-rows"] = request.TrainRows is { } rows ? rows : "all",
            ["shard-size"] = s.ShardSize,
            ["max-shards-in-flight"] = s.MaxShardsInFlight,
            ["shard-deadline"] = $"{(long)s.ShardDeadline.TotalMilliseconds}ms",
            ["checkpoint-every"] = s.CheckpointEverySteps,
        };
        return System.Text.Json.JsonSerializer.Serialize(section);
    }

    private static EnsembleMethod ParseAggregation(string text) => text.ToLowerInvariant() switch
    {
        "mean" => EnsembleMethod.Mean,
        "weighted" => EnsembleMethod.Weighted,
        "geometric" => EnsembleMethod.Geometric,
        _ => throw new FormatException($"{Section}.aggregation = '{text}': expected mean, weighted or geometric"),
    };
}
