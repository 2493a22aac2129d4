using System.Text.Json;
using MultiTeacher.Core.Data;

namespace MultiTeacher.Distillation.Reports;

/// <summary>What <c>mt online</c> reports, written as <c>summary.json</c> (snake_case keys, like <see cref="RunSummary"/>).</summary>
public sealed record OnlineSummary
{
    /// <summary>The run's id (its folder name).</summary>
    public required string Id { get; init; }

    /// <summary>The data (validation is 0: the accuracy reported is the last epoch's).</summary>
    public required DatasetSummary Dataset { get; init; }

    /// <summary>The settings every group shared.</summary>
    public required OnlineSettingsSummary Settings { get; init; }

    /// <summary>Every group: each seed trained independently and codistilled.</summary>
    public required IReadOnlyList<OnlineRunSummary> Runs { get; init; }

    /// <summary>Mean last-epoch test accuracy of every peer of every seed, by mode (<c>independent</c>, <c>codistilled</c>).</summary>
    public required IReadOnlyDictionary<string, double> MeanTestAccuracy { get; init; }

    /// <summary>Prediction churn by mode; absent with a single seed.</summary>
    public ChurnSummary? Churn { get; init; }

    /// <summary><c>inproc</c> or <c>rabbitmq</c>.</summary>
    public required string Transport { get; init; }

    /// <summary>Threads used by the core (per peer).</summary>
    public int Threads { get; init; }

    /// <summary>Wall time of the whole run.</summary>
    public double ElapsedSeconds { get; init; }

    /// <summary>Writes the summary atomically.</summary>
    public void Write(string path) => AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, this, RunSummary.JsonOptions));

    /// <summary>Reads a summary file.</summary>
    public static OnlineSummary Read(string path) =>
        JsonSerializer.Deserialize<OnlineSummary>(File.ReadAllText(path), RunSummary.JsonOptions) ?? throw new InvalidDataException($"{path}: empty summary");
}

/// <summary>The settings of an online run.</summary>
public sealed record OnlineSettingsSummary(string Arch, int Peers, string Partitioning, int ExchangeEverySteps, int BurnInSteps, int MaxStalenessSteps,
    string StalenessUnit, bool WaitForPeers, double Temperature, double Alpha, int Epochs, int Batch, double Lr, IReadOnlyList<long> Seeds,
    IReadOnlyList<string> Teachers, string AccuracyReported);

/// <summary>One group of peers.</summary>
/// <param name="Name">For example <c>codistilled_seed1</c>.</param>
/// <param name="Mode"><c>independent</c> or <c>codistilled</c>.</param>
/// <param name="Seed">The group's seed.</param>
/// <param name="MeanTestAccuracy">Mean last-epoch test accuracy of its peers.</param>
/// <param name="Peers">Every peer.</param>
/// <param name="CheckpointsPublished">Checkpoints the hub received.</param>
/// <param name="CheckpointsForwarded">Checkpoints the hub forwarded.</param>
/// <param name="Lost">Peers that stopped before the end.</param>
/// <param name="Incidents">What the peers reported.</param>
/// <param name="ElapsedSeconds">Wall time of the group.</param>
public sealed record OnlineRunSummary(string Name, string Mode, long Seed, double MeanTestAccuracy, IReadOnlyList<OnlinePeerSummary> Peers,
    int CheckpointsPublished, int CheckpointsForwarded, IReadOnlyList<string> Lost, IReadOnlyList<string> Incidents, double ElapsedSeconds);

/// <summary>One peer of a group.</summary>
public sealed record OnlinePeerSummary(string Id, int Rows, long Steps, double TestAccuracy, IReadOnlyList<PeerEpochSummary> History, int CheckpointsSent,
    int CheckpointsReceived, int CheckpointsIgnored, long DistilledSteps, double StalenessMean, long StalenessMax);

/// <summary>Test accuracy and training loss after one epoch of a peer.</summary>
public sealed record PeerEpochSummary(int Epoch, long Step, double TestAccuracy, double MeanLoss);

/// <summary>
/// Prediction churn: the fraction of test images on which two runs started from different seeds disagree (arg-max),
/// by mode; <see cref="Compared"/> names the two models.
/// </summary>
public sealed record ChurnSummary(double Independent, double Codistilled, string Compared, int TestRows);
