using System.Text.Json;
using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Reports;

namespace MultiTeacher.Cli.Cluster;

/// <summary>
/// What one codistillation peer node (<c>mt node --roles student --peer-group NAME --peer K</c>) reports, written as
/// <c>summary.json</c> in its <c>--out</c> folder (snake_case keys, like <see cref="OnlineSummary"/>).
/// </summary>
/// <param name="Group">The peer group (its checkpoints travel on the topic <c>checkpoints-GROUP</c>).</param>
/// <param name="PeerIndex">This peer's index K.</param>
/// <param name="Node">The node's cluster address.</param>
/// <param name="Seed">The group's seed (peer K derives its weights and data order from it, as in <c>mt online</c>).</param>
/// <param name="Dataset">The data.</param>
/// <param name="Settings">The group's settings (<c>multiteacher.online</c> with the node's options over it).</param>
/// <param name="Peer">What the peer did: accuracy per epoch, checkpoints sent and received, staleness.</param>
/// <param name="Relay">The node's checkpoint hub: its own checkpoints published on the topic, the others' received, forwarded and dropped.</param>
/// <param name="Incidents">What the peer reported (partners that went silent, checkpoints too stale to use).</param>
/// <param name="StudentFile">The peer's weights (safetensors).</param>
/// <param name="ElapsedSeconds">Wall time from the node being up to the end of training.</param>
internal sealed record PeerNodeSummary(string Group, int PeerIndex, string Node, long Seed, DatasetSummary Dataset, OnlineSettingsSummary Settings,
    OnlinePeerSummary Peer, PeerRelaySummary Relay, IReadOnlyList<string> Incidents, string StudentFile, double ElapsedSeconds)
{
    /// <summary>Writes the summary atomically.</summary>
    public void Write(string path) => AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, this, RunSummary.JsonOptions));
}

/// <summary>The counters of a peer node's checkpoint hub.</summary>
/// <param name="Published">This peer's checkpoints published on the group's topic.</param>
/// <param name="Resent">Of those, re-publications for members that joined.</param>
/// <param name="Received">Other peers' checkpoints that reached this node.</param>
/// <param name="Forwarded">Of those, newer versions handed to the peer.</param>
/// <param name="Dropped">Arrived copies dropped as older or equal versions.</param>
internal sealed record PeerRelaySummary(int Published, int Resent, int Received, int Forwarded, int Dropped);
