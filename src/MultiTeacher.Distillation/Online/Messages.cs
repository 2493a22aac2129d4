using Akka.Actor;

namespace MultiTeacher.Distillation.Online;

// The messages of a codistillation group: sealed records of plain data that Hyperion carries to any machine. Peers
// exchange only Checkpoint messages (through the CheckpointHub); these start the peers and tell the group's monitor
// what they do.

/// <summary>Starts a peer; <paramref name="Peers"/> are the other peers' refs by model id, watched so that a stopped peer is noticed.</summary>
public sealed record StartPeer(IReadOnlyDictionary<string, IActorRef> Peers);

/// <summary>Peer → monitor: an epoch of the peer's partition ended (test accuracy NaN without a test set).</summary>
public sealed record PeerEpochCompleted(string RunId, string PeerId, int Epoch, long Step, double TestAccuracy, double MeanLoss);

/// <summary>Peer → monitor: something the run should report (a peer stopped, a checkpoint too stale to use, a silent peer).</summary>
public sealed record PeerIncident(string RunId, string PeerId, string Text);

/// <summary>Peer → monitor: the peer trained every epoch; its report.</summary>
public sealed record PeerFinished(string RunId, PeerReport Report);

/// <summary>One epoch of a peer.</summary>
public sealed record PeerEpoch(int Epoch, long Step, double TestAccuracy, double MeanLoss);

/// <summary>What a peer did.</summary>
/// <param name="PeerId">The peer's model id.</param>
/// <param name="Arch">Its architecture.</param>
/// <param name="Rows">Training rows of its partition.</param>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="History">Every epoch.</param>
/// <param name="CheckpointsSent">Checkpoints it published.</param>
/// <param name="CheckpointsReceived">Peer checkpoints that reached it.</param>
/// <param name="CheckpointsIgnored">Of those, the ones older than or as old as one it held.</param>
/// <param name="DistilledSteps">Steps that had a distillation term.</param>
/// <param name="StalenessMean">Mean age (receiver's step − checkpoint's step) of the peer checkpoints used, over every use.</param>
/// <param name="StalenessMax">Largest such age.</param>
/// <param name="Incidents">What it reported.</param>
/// <param name="Weights">The final weights.</param>
public sealed record PeerReport(string PeerId, string Arch, int Rows, long Steps, IReadOnlyList<PeerEpoch> History, int CheckpointsSent,
    int CheckpointsReceived, int CheckpointsIgnored, long DistilledSteps, double StalenessMean, long StalenessMax, IReadOnlyList<string> Incidents,
    float[] Weights);

/// <summary>
/// Relay → every relay of the group, on the broadcast: member <paramref name="RequesterId"/> has just joined; each
/// other member re-publishes its newest checkpoint so that the newcomer holds it.
/// </summary>
public sealed record CheckpointsWanted(string RequesterId);

/// <summary>Tells a <see cref="CheckpointRelay"/> that its subscription to the broadcast is in place: it asks the group for their newest checkpoints.</summary>
public sealed record RelayConnected
{
    /// <summary>The message.</summary>
    public static RelayConnected Instance { get; } = new();
}

/// <summary>A <see cref="CheckpointRelay"/>'s counters.</summary>
/// <param name="Published">Checkpoints of its member published on the broadcast.</param>
/// <param name="Resent">Of its member's checkpoints, re-publications for members that joined.</param>
/// <param name="Received">Checkpoints of other members that arrived.</param>
/// <param name="Forwarded">Checkpoints handed to local subscribers.</param>
/// <param name="Dropped">Arrived checkpoints dropped because a newer or equal version was held.</param>
public sealed record RelayStats(int Published, int Resent, int Received, int Forwarded, int Dropped);

/// <summary>A peer's own reminder to take its next step.</summary>
internal sealed record TrainNext
{
    public static TrainNext Instance { get; } = new();
}

/// <summary>A peer waited too long at an exchange point.</summary>
internal sealed record PeerWaitTimedOut(long Step);
