using Akka.Actor;

namespace MultiTeacher.Distillation.Pipeline;

// Work pulling between the coordinator and the teacher replicas (DESIGN.md, "Cluster"). A replica is a TeacherActor
// serving one teacher id; several may serve the same id, on any node. The coordinator hands each (shard, teacher id)
// to one replica of that id at a time, at most MaxInFlight to a replica, and the next one when a ShardServed frees a
// slot: a replica's ShardServed is its request for more work. Delivery is at-least-once: work of a replica that is
// lost goes to another replica of its id, and the aggregator keeps the first output per (sequence, teacher).

/// <summary>
/// Replica (or whoever speaks for it, such as the cluster layer) → coordinator: <paramref name="Replica"/> serves
/// <paramref name="TeacherId"/> and holds at most <paramref name="MaxInFlight"/> shard requests at once. The coordinator
/// watches it from then on. A replica that registers again starts over (a restarted actor does so from its PreStart):
/// the shards it held are handed out again, and an output it still sends for one of them is a duplicate.
/// </summary>
public sealed record RegisterReplica(string TeacherId, IActorRef Replica, int MaxInFlight);

/// <summary>Coordinator → replica: its registration was refused, and why (an unknown teacher id, a bound below 1).</summary>
public sealed record ReplicaRejected(string TeacherId, string Reason);

/// <summary>
/// Replica → coordinator: <paramref name="Replica"/> has sent its output for the shard of <paramref name="Sequence"/> to
/// the aggregator; the slot is free for its next shard.
/// </summary>
public sealed record ShardServed(string RunId, int Sequence, string TeacherId, IActorRef Replica);

/// <summary>
/// Cluster layer → coordinator: the node of <paramref name="Replica"/> is unreachable. The replica is dropped at once
/// (without waiting for the node's removal) and its outstanding work goes to other replicas of its teacher id; an
/// output it still sends is a duplicate the aggregator drops. A replica that comes back takes work again once it is
/// registered again.
/// </summary>
public sealed record ReplicaUnreachable(IActorRef Replica);
