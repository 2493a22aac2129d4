using Akka.Actor;
using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Experiments;

namespace MultiTeacher.Cluster.Runs;

/// <summary>What a run announces before its actors exist: everything of a <see cref="RunAnnouncement"/> but the references.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Teachers">Its teachers in combination order.</param>
/// <param name="Planner">Its shard plan.</param>
/// <param name="ReplicaInFlight">Shard requests a replica holds at once, at most.</param>
/// <param name="Recipe">What teacher nodes derive the run's rows and teachers from, or null.</param>
/// <param name="FeatureFloat16">Whether teachers send their features as float16.</param>
public sealed record RunAnnouncementDraft(string RunId, IReadOnlyList<AnnouncedTeacher> Teachers, ShardPlanner Planner, int ReplicaInFlight,
    DistillRequest? Recipe = null, bool FeatureFloat16 = false)
{
    /// <summary>The announcement with the run's registrar and aggregator.</summary>
    public RunAnnouncement For(IActorRef registrar, IActorRef aggregator) =>
        new(RunId, registrar, aggregator, [.. Teachers], Planner.Dataset, Planner.Count, Planner.Seed, Planner.ShardSize, ReplicaInFlight, Recipe, FeatureFloat16);
}
