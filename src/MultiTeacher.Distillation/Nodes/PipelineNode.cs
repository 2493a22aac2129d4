using MultiTeacher.Actors;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Experiments;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Nodes;

/// <summary>
/// Starts the pipeline's actors of one run in this process, role by role, and connects them through an
/// <see cref="IPipelineFabric"/>. Every process of a run builds the same <see cref="PreparedRun"/> from the same
/// request, so a shard's rows, labels and teacher logits agree everywhere without any data on the wire.
/// </summary>
/// <param name="system">The local actor system.</param>
/// <param name="fabric">How endpoints reach each other.</param>
/// <param name="runId">The run; messages of other runs are ignored.</param>
/// <param name="run">The run's data, plan and teachers.</param>
/// <param name="settings">The run's settings.</param>
public sealed class PipelineNode(ActorSystem system, IPipelineFabric fabric, string runId, PreparedRun run, DistillationSettings settings)
{
    /// <summary>Starts the coordinator; <see cref="BeginRun"/> then dispatches the first shards (from <paramref name="firstShard"/> on).</summary>
    public async Task<IActorRef> StartCoordinatorAsync(IPipelineObserver observer, CancellationToken cancellationToken, int firstShard = 0)
    {
        var coordinator = system.ActorOf(ShardCoordinator.Props(runId, run.Planner, settings, observer, firstShard));
        await fabric.ServeAsync(PipelineEndpoints.Coordinator, coordinator, cancellationToken).ConfigureAwait(false);
        return coordinator;
    }

    /// <summary>Tells the coordinator to start: every teacher of the run is asked through its endpoint.</summary>
    public void BeginRun(IActorRef coordinator) =>
        coordinator.Tell(new BeginRun(run.Teachers.Select(t => fabric.Endpoint(PipelineEndpoints.Teacher(t.Id))).ToList(),
            fabric.Endpoint(PipelineEndpoints.Aggregator)));

    /// <summary>Starts a replica of the teacher, serving its cached pass over the run's training rows.</summary>
    public async Task<IActorRef> StartTeacherAsync(PreparedTeacher teacher, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        if (teacher.Train is null)
        {
            throw new InvalidOperationException($"teacher {teacher.Id} was not loaded on this node");
        }

        var actor = system.ActorOf(TeacherActor.Props(teacher.Id, new CachedLogitSource(teacher.Train), run.Planner,
            fabric.Endpoint(PipelineEndpoints.Aggregator)));
        await fabric.ServeAsync(PipelineEndpoints.Teacher(teacher.Id), actor, cancellationToken).ConfigureAwait(false);
        return actor;
    }

    /// <summary>Starts the ensemble aggregator of the run's teachers.</summary>
    public async Task<IActorRef> StartAggregatorAsync(CancellationToken cancellationToken)
    {
        var actor = system.ActorOf(EnsembleAggregator.Props(runId, run.Teachers.Select(t => t.Id).ToList(), settings, run.Student.Classes,
            fabric.Endpoint(PipelineEndpoints.Student), fabric.Endpoint(PipelineEndpoints.Coordinator)));
        await fabric.ServeAsync(PipelineEndpoints.Aggregator, actor, cancellationToken).ConfigureAwait(false);
        return actor;
    }

    /// <summary>
    /// Starts the student trainer on a fresh student (seeded as in one process), or resumes it from
    /// <paramref name="statePath"/> when that holds a saved state of this run; the returned model is trained in place
    /// and may be read once the actor has stopped.
    /// </summary>
    public async Task<(IActorRef Actor, Model Student)> StartStudentAsync(string modelId, IActorRef? hub, string? checkpointPath,
        string? statePath, CancellationToken cancellationToken)
    {
        var student = Model.Create(run.Student, (ulong)settings.Seed);
        var setup = new StudentTrainerSetup(runId, modelId, student, run.Train, run.Planner, run.Labels, settings,
            new StudentEvaluation(run.Validation, run.Test), fabric.Endpoint(PipelineEndpoints.Coordinator), hub, checkpointPath)
        {
            StatePath = statePath,
        };
        var actor = system.ActorOf(StudentTrainer.Props(setup));
        await fabric.ServeAsync(PipelineEndpoints.Student, actor, cancellationToken).ConfigureAwait(false);
        return (actor, student);
    }
}
