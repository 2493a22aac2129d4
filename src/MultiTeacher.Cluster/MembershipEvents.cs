namespace MultiTeacher.Cluster;

/// <summary>A node was heard for the first time (or again under a new incarnation after a restart).</summary>
/// <param name="NodeId">The node's id.</param>
/// <param name="Incarnation">When that node process started (ticks): distinguishes restarts of one node id.</param>
/// <param name="Roles">The node's roles.</param>
public sealed record MemberUp(string NodeId, long Incarnation, IReadOnlyList<string> Roles);

/// <summary>A node has sent no new heartbeat for the failure timeout (measured on this node's clock).</summary>
/// <param name="NodeId">The node's id.</param>
/// <param name="Incarnation">The incarnation that went silent.</param>
/// <param name="SilentFor">How long since its last new heartbeat arrived here.</param>
public sealed record MemberUnreachable(string NodeId, long Incarnation, TimeSpan SilentFor);

/// <summary>An unreachable node's heartbeats arrive again.</summary>
/// <param name="NodeId">The node's id.</param>
/// <param name="Incarnation">Its incarnation.</param>
public sealed record MemberReachable(string NodeId, long Incarnation);

/// <summary>A node left gracefully, or was replaced by a new incarnation of the same id.</summary>
/// <param name="NodeId">The node's id.</param>
/// <param name="Incarnation">The incarnation that is gone.</param>
/// <param name="Reason"><c>left</c> or <c>restarted</c>.</param>
public sealed record MemberRemoved(string NodeId, long Incarnation, string Reason);

/// <summary>What this node knows of a peer.</summary>
/// <param name="NodeId">The node's id.</param>
/// <param name="Incarnation">Its incarnation.</param>
/// <param name="Roles">Its roles.</param>
/// <param name="Reachable">Whether it was heard within the failure timeout.</param>
public sealed record MemberStatus(string NodeId, long Incarnation, IReadOnlyList<string> Roles, bool Reachable);
