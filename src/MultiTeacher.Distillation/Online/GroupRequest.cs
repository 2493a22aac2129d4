using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Distillation.Online;

/// <summary>One group of peers trained together (codistilling, or independently when <see cref="OnlineSettings.Codistill"/> is false).</summary>
/// <param name="RunId">The group's id; peers are named <c>{RunId}/peer-{k}</c> unless <see cref="PeerIds"/> says otherwise.</param>
/// <param name="Arch">Every peer's architecture.</param>
/// <param name="Train">The training set, split between the peers by <see cref="OnlineSettings.Partitioning"/>.</param>
/// <param name="Settings">The run's settings.</param>
public sealed record GroupRequest(string RunId, string Arch, Dataset Train, OnlineSettings Settings)
{
    /// <summary>Evaluated by every peer after each epoch, or null.</summary>
    public Dataset? Test { get; init; }

    /// <summary>The peers' model ids (default <c>peer-0</c>, <c>peer-1</c>, ...).</summary>
    public IReadOnlyList<string>? PeerIds { get; init; }

    /// <summary>Offline teachers taking part, made once per peer (a teacher source serves one actor).</summary>
    public Func<int, IReadOnlyList<PipelineTeacher>>? TeachersFor { get; init; }

    /// <summary>Called after every peer epoch (from the monitor actor's thread).</summary>
    public Action<PeerEpochCompleted>? OnEpoch { get; init; }

    /// <summary>Called for every incident a peer reports.</summary>
    public Action<PeerIncident>? OnIncident { get; init; }

    /// <summary>The ids used.</summary>
    public IReadOnlyList<string> Ids => PeerIds ?? Enumerable.Range(0, Settings.Peers).Select(k => $"peer-{k}").ToList();
}

/// <summary>What a group did.</summary>
/// <param name="Peers">The reports of the peers that finished, in peer order.</param>
/// <param name="Lost">Peers that stopped before finishing.</param>
/// <param name="Incidents">Every incident, as "peer: text".</param>
/// <param name="Hub">The checkpoint hub's counters.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record GroupResult(IReadOnlyList<PeerReport> Peers, IReadOnlyList<string> Lost, IReadOnlyList<string> Incidents, HubStats Hub, TimeSpan Elapsed);
