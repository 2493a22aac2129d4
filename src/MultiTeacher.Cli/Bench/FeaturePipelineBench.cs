using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Akka.Configuration;
using MultiTeacher.Cli.Commands;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Losses.Features;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using MultiTeacher.Distillation;
using MultiTeacher.Distillation.Features;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Cli.Bench;

/// <summary>
/// <c>mt bench pipeline --features</c>: one epoch of the cnn:8-16-32 student from a cnn:32-64-128 teacher network
/// through the actor pipeline, with logits only, with the teacher's layer 3 (64, 11, 11) sent in full for attention
/// transfer, as attention maps (11, 11), and as attention maps in float16; samples/s (medians of alternating rounds)
/// and bytes per shard of each, in one run. The teacher runs as a network in every mode (seeded weights: the cost
/// does not depend on them), so the differences are the features' own.
/// </summary>
internal static class FeaturePipelineBench
{
    private const string Student = "cnn:8-16-32";
    private const string Teacher = "cnn:32-64-128";

    private static readonly (string Name, FeatureWire? Wire)[] s_modes =
    [
        ("logits", null),
        ("full_features", new FeatureWire()),
        ("attention_maps", new FeatureWire(AttentionMaps: true)),
        ("attention_maps_f16", new FeatureWire(AttentionMaps: true, Float16: true)),
    ];

    public static async Task<int> RunAsync(bool json, int rounds, int? rows, int threads, string? dataDirectory, CancellationToken cancellationToken)
    {
        TorchRuntime.Threads = threads;
        var akka = CliConfiguration.Load().Config;
        var train = DatasetCatalog.Load(dataDirectory, "train").FirstRows(rows ?? 10_000);
        var settings = new DistillationSettings { Epochs = 1, Seed = 1, Alpha = 0.9f };
        using var teacher = Model.Create(Teacher, 2);
        var results = s_modes.ToDictionary(m => m.Name, _ => (Speeds: new List<double>(), Logits: 0L, Features: 0L));
        for (var round = 0; round <= rounds; round++)
        {
            // Round 0 warms up; later rounds alternate the order of the modes.
            foreach (var (name, wire) in round % 2 == 0 ? s_modes : s_modes.Reverse())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (elapsed, result) = await RunOnceAsync(teacher, train, settings, wire, akka, cancellationToken).ConfigureAwait(false);
                if (round == 0)
                {
                    continue;
                }

                var shards = Math.Max(1, result.Aggregator.Aggregated);
                var entry = results[name];
                entry.Speeds.Add(train.Count / elapsed.TotalSeconds);
                results[name] = (entry.Speeds, result.Aggregator.LogitBytes / shards, result.Aggregator.FeatureBytes / shards);
            }
        }

        var output = new JsonObject
        {
            ["bench"] = "pipeline-features",
            ["student"] = Student,
            ["teacher"] = Teacher,
            ["teacher_layer"] = "3",
            ["rows"] = train.Count,
            ["shard_size"] = settings.ShardSize,
            ["rounds"] = rounds,
            ["threads"] = threads,
        };
        foreach (var (name, (speeds, logits, features)) in results)
        {
            output[$"{name}_samples_per_s"] = Math.Round(Median(speeds));
            output[$"{name}_bytes_per_shard"] = logits + features;
        }

        Console.WriteLine(json ? output.ToJsonString() : string.Join("  ", output.Select(p => $"{p.Key}={Convert.ToString(p.Value, CultureInfo.InvariantCulture)}")));
        return 0;
    }

    private static async Task<(TimeSpan Elapsed, PipelineResult Result)> RunOnceAsync(Model teacher, Dataset train, DistillationSettings settings, FeatureWire? wire,
        Config akka, CancellationToken cancellationToken)
    {
        var student = Model.Create(Student, (ulong)settings.Seed);
        var teachers = new List<PipelineTeacher> { new("cnn", new ModelLogitSource(teacher, train)) };
        var plan = wire is null ? null : FeaturePlan.Create([new FeatureSpec("cnn", "3", "3", FeatureLossKind.Attention, 1f)], student,
            teachers.Select(t => (t.Id, (ILogitSource?)t.Source)).ToList(), settings, wire);
        var start = Stopwatch.GetTimestamp();
        var result = await DistillationPipeline.RunAsync(new PipelineRequest("bench", teachers, student, train, train.Labels, settings) { Features = plan },
            akka, cancellationToken).ConfigureAwait(false);
        return (Stopwatch.GetElapsedTime(start), result);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
