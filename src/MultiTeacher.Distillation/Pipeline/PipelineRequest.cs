using Akka.Actor;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Pipeline;

/// <summary>A teacher of a run: its id and where its logits come from.</summary>
public sealed record PipelineTeacher(string Id, ILogitSource Source);

/// <summary>
/// The run's actors that replicas started elsewhere (on other cluster nodes) talk to: they register with
/// <paramref name="Coordinator"/> and send their outputs to <paramref name="Aggregator"/>.
/// </summary>
public sealed record RunEndpoints(IActorRef Coordinator, IActorRef Aggregator);

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

    /// <summary>
    /// Teachers of the run served by replicas that register on their own (from other nodes of a cluster); they are
    /// combined after <see cref="Teachers"/>, in this order. No replica is started here for them.
    /// </summary>
    public IReadOnlyList<string> RemoteTeacherIds { get; init; } = [];

    /// <summary>
    /// Whether the run begins as soon as its actors exist (true), or waits for whoever <see cref="OnStarted"/> hands
    /// the endpoints to tell the coordinator <see cref="BeginRun"/> (once remote replicas have registered, so that no
    /// shard deadline runs while teachers are still loading).
    /// </summary>
    public bool BeginAtOnce { get; init; } = true;

    /// <summary>Called once the run's actors exist, with the references replicas started elsewhere need.</summary>
    public Action<RunEndpoints>? OnStarted { get; init; }

    /// <summary>
    /// Where the student keeps its resumable state (saved after every trained shard), or null. A run that finds the
    /// file goes on from it: the coordinator starts at the first shard the saved student has not trained.
    /// </summary>
    public string? StatePath { get; init; }

    /// <summary>Every teacher id of the run in combination order: <see cref="Teachers"/>, then <see cref="RemoteTeacherIds"/>.</summary>
    public IReadOnlyList<string> TeacherIds => [.. Teachers.Select(t => t.Id), .. RemoteTeacherIds];
}
