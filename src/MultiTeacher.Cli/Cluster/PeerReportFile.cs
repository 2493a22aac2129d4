using System.Globalization;
using System.Text.Json;
using MultiTeacher.Cluster;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Online;
using MultiTeacher.Distillation.Reports;

namespace MultiTeacher.Cli.Cluster;

/// <summary>What one peer process of a group writes to <c>peers/ID.json</c> (snake_case keys), beside its weights.</summary>
internal sealed record PeerReportFile(
    string Group, string PeerId, int Peer, int Peers, string Arch, long Seed, int Rows, long Steps, double TestAccuracy,
    IReadOnlyList<PeerEpochSummary> History, int CheckpointsSent, int CheckpointsReceived, int CheckpointsIgnored, long DistilledSteps,
    double StalenessMean, long StalenessMax, IReadOnlyList<string> Incidents, RelayStats Relay, long BytesOut, long BytesIn, double ElapsedSeconds)
{
    public static PeerReportFile From(string group, int index, OnlineSettings settings, PeerReport report, RelayStats relay, TransportCounters counters,
        TimeSpan elapsed) => new(
        group, report.PeerId, index, settings.Peers, report.Arch, settings.Seed, report.Rows, report.Steps,
        report.History.Count == 0 ? double.NaN : report.History[^1].TestAccuracy,
        report.History.Select(h => new PeerEpochSummary(h.Epoch + 1, h.Step, h.TestAccuracy, Math.Round(h.MeanLoss, 5))).ToList(),
        report.CheckpointsSent, report.CheckpointsReceived, report.CheckpointsIgnored, report.DistilledSteps, Math.Round(report.StalenessMean, 2),
        report.StalenessMax, report.Incidents, relay, counters.BytesOut, counters.BytesIn, Math.Round(elapsed.TotalSeconds, 1))
    {
        Weights = report.Weights,
    };

    /// <summary>The final weights (not in the JSON: they go to the safetensors file).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public float[] Weights { get; init; } = [];

    /// <summary>Writes <c>peers/ID.safetensors</c> (readable by PyTorch like every checkpoint) and <c>peers/ID.json</c>; returns both paths.</summary>
    public (string Weights, string Json) Write(string outDirectory)
    {
        var folder = Path.Combine(outDirectory, "peers");
        Directory.CreateDirectory(folder);
        var model = Model.Create(Arch, 0);
        Weights.CopyTo(model.Parameters.Values, 0);
        var weights = Path.Combine(folder, $"{PeerId}.safetensors");
        ModelCheckpoint.Save(model, weights, new Dictionary<string, string>
        {
            ["dataset"] = DatasetCatalog.FashionMnist,
            ["group"] = Group,
            ["peer"] = PeerId,
            ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
            ["mode"] = "codistilled",
            ["test_accuracy"] = TestAccuracy.ToString("R", CultureInfo.InvariantCulture),
        });
        var json = Path.Combine(folder, $"{PeerId}.json");
        AtomicFile.Write(json, stream => JsonSerializer.Serialize(stream, this, RunSummary.JsonOptions));
        return (weights, json);
    }
}
