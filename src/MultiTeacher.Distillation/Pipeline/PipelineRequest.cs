using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Pipeline;

/// <summary>A teacher of a run: its id and where its logits come from.</summary>
public sealed record PipelineTeacher(string Id, ILogitSource Source);

/// <summary>Everything one in-process distillation run needs.</summary>
/// <param name="RunId">The run's id (messages of other runs are ignored).</param>
/// <param name="Teachers">The teachers, in the order their distributions are combined.</param>
/// <param name="Student">The student network, trained in place.</param>
/// <param name="Train">Training rows.</param>
/// <param name="Labels">Labels by training row; −1 for unlabelled rows.</param>
/// <param name="Settings">Loss, ensemble, schedule and limits.</param>
public sealed record PipelineRequest(string RunId, IReadOnlyList<PipelineTeacher> Teachers, Model Student, Dataset Train, int[] Labels,
    DistillationSettings Settings)
{
    /// <summary>Sets evaluated at the end of every epoch.</summary>
    public StudentEvaluation Evaluation { get; init; } = StudentEvaluation.None;

    /// <summary>Where the student's checkpoints are written (atomically), or null.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>The student's id in checkpoints.</summary>
    public string StudentId { get; init; } = "student";

    /// <summary>Called after every trained shard with (trained, total).</summary>
    public Action<int, int>? OnShardTrained { get; init; }

    /// <summary>
    /// The feature terms (feature distillation; <see cref="Features.FeaturePlan.Create"/> checks them against these
    /// teachers and this student), or null for logits only. Teachers then send the features the plan asks of them with
    /// every shard.
    /// </summary>
    public Features.FeaturePlan? Features { get; init; }

    /// <summary>Called at the end of every epoch.</summary>
    public Action<StudentEpochCompleted>? OnEpoch { get; init; }
}
