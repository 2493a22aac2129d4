namespace MultiTeacher.Cluster.Checkpoints;

// The handshake of a peer group's hubs on their topic, before the peers train: each member publishes who it has heard
// from until every other member has heard it too. Only then can no checkpoint published on the topic be lost to a
// subscription that has not reached a node yet (DistributedPubSub spreads subscriptions by gossip).

/// <summary>
/// Asks a <see cref="ClusterCheckpointHub"/> to answer <see cref="GroupAssembled"/> once every member of
/// <paramref name="MemberIds"/> (its own id among them) has heard it on the topic and it has heard each of them.
/// </summary>
public sealed record AwaitGroup(IReadOnlyList<string> MemberIds);

/// <summary>The answer to <see cref="AwaitGroup"/>: messages on the topic now reach every member both ways.</summary>
public sealed record GroupAssembled(IReadOnlyList<string> MemberIds);

/// <summary>Hub → every hub of the group, on the topic: <paramref name="MemberId"/> has heard <paramref name="Heard"/>; <paramref name="Ready"/> once it has heard and been heard by all.</summary>
public sealed record MemberHello(string MemberId, IReadOnlyList<string> Heard, bool Ready);
