using Akka.Actor;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;

namespace MultiTeacher.Distillation.Pipeline;

/// <summary>What a <see cref="StudentTrainer"/> needs.</summary>
/// <param name="RunId">The run.</param>
/// <param name="ModelId">The student's id in checkpoints.</param>
/// <param name="Student">The network trained (owned by the actor from now on).</param>
/// <param name="Data">Training rows.</param>
/// <param name="Planner">The run's shard plan over <paramref name="Data"/>.</param>
/// <param name="Labels">Labels by dataset row; −1 for unlabelled rows.</param>
/// <param name="Settings">The run's settings.</param>
/// <param name="Evaluation">Sets evaluated after each epoch.</param>
/// <param name="Coordinator">Told of every trained shard and epoch.</param>
/// <param name="Hub">Receives checkpoints, or null.</param>
/// <param name="CheckpointPath">Where checkpoints are written, or null.</param>
public sealed record StudentTrainerSetup(string RunId, string ModelId, Model Student, Dataset Data, ShardPlanner Planner, int[] Labels, DistillationSettings Settings,
    StudentEvaluation Evaluation, IActorRef Coordinator, IActorRef? Hub, string? CheckpointPath)
{
    /// <summary>
    /// Where the trainer keeps its resumable state, saved after every trained shard, or null. When the file exists
    /// at start (a restarted node), training continues from it and shards it already holds are not trained again.
    /// </summary>
    public string? StatePath { get; init; }

    /// <summary>The run's feature terms (feature distillation), or null for logits only.</summary>
    public Features.FeaturePlan? Features { get; init; }
}
