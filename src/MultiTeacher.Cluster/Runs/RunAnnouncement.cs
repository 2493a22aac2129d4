using Akka.Actor;
using MultiTeacher.Core.Teachers;
using MultiTeacher.Distillation.Experiments;

namespace MultiTeacher.Cluster.Runs;

/// <summary>
/// Coordinator node → every node, on the DistributedPubSub topic <see cref="RunRegistrar.Topic"/>, once a second until
/// the run ends: a distillation run wants teacher replicas. A teacher node that serves some of
/// <paramref name="Teachers"/>, with the same files (<see cref="AnnouncedTeacher.Sha256"/>) and the same shard plan,
/// starts replicas that register with <paramref name="Registrar"/> and send their outputs to
/// <paramref name="Aggregator"/>. Inputs never travel: each node reads the dataset itself, and the plan's parameters
/// say which rows a shard holds.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="Registrar">Where replicas register (<see cref="Distillation.Pipeline.RegisterReplica"/>); it passes them on to the coordinator.</param>
/// <param name="Aggregator">Where replicas send their outputs.</param>
/// <param name="Teachers">The run's teachers in combination order.</param>
/// <param name="Dataset">The name of the training rows the plan is made over.</param>
/// <param name="Rows">How many training rows.</param>
/// <param name="Seed">The plan's seed.</param>
/// <param name="ShardSize">Rows per shard.</param>
/// <param name="ReplicaInFlight">Shard requests a replica holds at once, at most.</param>
/// <param name="Recipe">
/// What a teacher node needs to derive the run's rows and teachers itself (teacher files, data, split and seed), or
/// null when the nodes were started with the run's configuration.
/// </param>
/// <param name="FeatureFloat16">Whether the teachers send their features (<see cref="AnnouncedTeacher.Features"/>) as float16.</param>
public sealed record RunAnnouncement(string RunId, IActorRef Registrar, IActorRef Aggregator, AnnouncedTeacher[] Teachers, string Dataset, int Rows,
    long Seed, int ShardSize, int ReplicaInFlight, DistillRequest? Recipe = null, bool FeatureFloat16 = false);

/// <summary>A teacher of an announced run.</summary>
/// <param name="Id">The teacher's id.</param>
/// <param name="Sha256">The SHA-256 (lower-case hex) of its file, or "" when the coordinator has no copy to hash.</param>
/// <param name="Features">
/// The features its replicas send with every shard's logits (feature distillation), or null for logits only; a node
/// whose copy of the teacher serves no features does not serve it to the run.
/// </param>
public sealed record AnnouncedTeacher(string Id, string Sha256, FeatureRequest[]? Features = null)
{
    /// <summary>The features asked of the teacher; empty for logits only.</summary>
    public IReadOnlyList<FeatureRequest> FeatureRequests => Features ?? [];
}
