using System.Text.Json;
using System.Text.Json.Serialization;
using MultiTeacher.Core.Data;

namespace MultiTeacher.Distillation.Reports;

/// <summary>Everything a distillation run reports, written as <c>summary.json</c> (snake_case keys).</summary>
public sealed record RunSummary
{
    /// <summary>The JSON options of summary files: snake_case, indented, nulls left out.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The run's id (its folder name under runs/).</summary>
    public required string Id { get; init; }

    /// <summary>The data.</summary>
    public required DatasetSummary Dataset { get; init; }

    /// <summary>The distillation settings chosen.</summary>
    public required DistillationSummary Distillation { get; init; }

    /// <summary>Every teacher.</summary>
    public required IReadOnlyList<ModelSummary> Teachers { get; init; }

    /// <summary>The ensemble of the teachers.</summary>
    public required ModelSummary Ensemble { get; init; }

    /// <summary>The students by role (scratch, distilled, scratch_few_labels, distilled_few_labels).</summary>
    public required IReadOnlyDictionary<string, StudentSummary> Students { get; init; }

    /// <summary>Shard counters of the pipeline.</summary>
    public required ShardCounters Shards { get; init; }

    /// <summary><c>inproc</c> or <c>rabbitmq</c>.</summary>
    public required string Transport { get; init; }

    /// <summary>Threads used by the core.</summary>
    public int Threads { get; init; }

    /// <summary>Wall time of the whole run.</summary>
    public double ElapsedSeconds { get; init; }

    /// <summary>What the broker carried, for runs on a cluster; null in one process.</summary>
    public ClusterSummary? Cluster { get; init; }

    /// <summary>Feature distillation's terms and wire sizes, for runs with <c>features</c>; null otherwise.</summary>
    public FeatureSummary? Features { get; init; }

    /// <summary>Writes the summary atomically.</summary>
    public void Write(string path) => AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, this, JsonOptions));

    /// <summary>Reads a summary file.</summary>
    public static RunSummary Read(string path) =>
        JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(path), JsonOptions) ?? throw new InvalidDataException($"{path}: empty summary");
}

/// <summary>The data of a run.</summary>
public sealed record DatasetSummary(string Name, int Train, int Validation, int Test, int Classes);

/// <summary>The distillation settings of a run (those of the few-label student in the demo) and the grid they were picked from.</summary>
public sealed record DistillationSummary(double Temperature, double Alpha, string Aggregation, IReadOnlyList<GridPoint> Grid)
{
    /// <summary>The grid point chosen for each label budget.</summary>
    public IReadOnlyDictionary<string, GridPoint>? Chosen { get; init; }
}

/// <summary>One (T, α) tried on the validation split.</summary>
public sealed record GridPoint(string Labels, double Temperature, double Alpha, double ValidationAccuracy);

/// <summary>A teacher or the ensemble.</summary>
public sealed record ModelSummary(string Id, string Arch, long Params, double TestAccuracy, double InferSamplesPerS, string? File = null);

/// <summary>A student: how it was trained and how it did.</summary>
public sealed record StudentSummary
{
    /// <summary>Architecture string.</summary>
    public required string Arch { get; init; }

    /// <summary>Parameter count.</summary>
    public required long Params { get; init; }

    /// <summary>Labelled training rows.</summary>
    public required int Labels { get; init; }

    /// <summary>Whether the teachers' soft targets were used.</summary>
    public required bool Distilled { get; init; }

    /// <summary>Test accuracy of the kept weights (best validation epoch).</summary>
    public required double TestAccuracy { get; init; }

    /// <summary>Validation accuracy of the kept weights.</summary>
    public required double ValidationAccuracy { get; init; }

    /// <summary>Epochs trained.</summary>
    public required int Epochs { get; init; }

    /// <summary>Epoch whose weights were kept.</summary>
    public required int BestEpoch { get; init; }

    /// <summary>Inference throughput (batch 256).</summary>
    public double InferSamplesPerS { get; init; }

    /// <summary>The safetensors file.</summary>
    public string? File { get; init; }

    /// <summary>The TorchScript file of a student defined in PyTorch (<c>file:</c>), which <c>torch.jit.load</c> runs; null for the others.</summary>
    public string? TorchScriptFile { get; init; }

    /// <summary>Accuracy after every epoch.</summary>
    public required IReadOnlyList<EpochAccuracy> History { get; init; }
}

/// <summary>Validation and test accuracy after one epoch.</summary>
public sealed record EpochAccuracy(int Epoch, double ValidationAccuracy, double TestAccuracy);

/// <summary>What the pipeline did with shards.</summary>
public sealed record ShardCounters(int Planned, int Aggregated, int Trained, int DuplicatesDropped, int ClosedIncomplete, int RejectedOutputs = 0);

/// <summary>A cluster run's traffic: summed over the nodes' reports, and each node's own counters.</summary>
public sealed record ClusterSummary(int Nodes, long Messages, long Redeliveries, long DuplicatesDropped, long DeadLettered, long Bytes,
    IReadOnlyList<NodeSummary> NodeReports)
{
    /// <summary>Several runs' traffic as one (nodes: the most any run had); null when none ran on a cluster.</summary>
    public static ClusterSummary? Combine(params ClusterSummary?[] runs)
    {
        var ran = runs.OfType<ClusterSummary>().ToList();
        return ran.Count == 0 ? null : new ClusterSummary(ran.Max(r => r.Nodes), ran.Sum(r => r.Messages), ran.Sum(r => r.Redeliveries),
            ran.Sum(r => r.DuplicatesDropped), ran.Sum(r => r.DeadLettered), ran.Sum(r => r.Bytes), [.. ran.SelectMany(r => r.NodeReports)]);
    }
}

/// <summary>One node's part in a cluster run.</summary>
public sealed record NodeSummary(string Node, IReadOnlyList<string> Roles, IReadOnlyDictionary<string, double> Counters, IReadOnlyList<string> Incidents);
