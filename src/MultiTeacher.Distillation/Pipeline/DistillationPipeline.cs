using System.Diagnostics;
using MultiTeacher.Actors;
using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Reports;

namespace MultiTeacher.Distillation.Pipeline;

/// <summary>
/// Runs the pipeline of DESIGN.md in one process: coordinator, one actor per teacher, the ensemble aggregator, the
/// student trainer and the checkpoint hub, talking only by messages.
/// </summary>
public static class DistillationPipeline
{
    private static readonly TimeSpan s_statsTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Trains <see cref="PipelineRequest.Student"/> and returns the run's counters.</summary>
    public static async Task<PipelineResult> RunAsync(PipelineRequest request, ActorSystemOptions? options = null, CancellationToken cancellationToken = default)
    {
        request.Settings.Validate();
        CheckTeachers(request);
        var clock = Stopwatch.StartNew();
        var observer = new CompletionObserver(request);
        // A pipeline actor that throws has lost state the run depends on (the student's place in the plan, the
        // aggregator's pending shards): restarting it would hide that. Stop it and fail the run, naming the cause.
        var stopOnFailure = new OneForOneStrategy(e =>
        {
            observer.Failed(new PipelineException($"a pipeline actor failed: {e.Message}", e));
            return Directive.Stop;
        });
        await using var system = new ActorSystem("distillation", (options ?? new ActorSystemOptions()) with { GuardianSupervisorStrategy = stopOnFailure });
        var planner = new ShardPlanner(request.Train.Name, request.Train.Count, request.Settings.Seed, request.Settings.ShardSize);
        await using var registration = cancellationToken.Register(() => observer.Failed(new OperationCanceledException(cancellationToken)));

        var coordinator = system.ActorOf(ShardCoordinator.Props(request.RunId, planner, request.Settings, observer), "coordinator");
        var hub = system.ActorOf(CheckpointHub.Props(), "checkpoints");
        var student = system.ActorOf(StudentTrainer.Props(new StudentTrainerSetup(request.RunId, request.StudentId, request.Student, request.Train,
            planner, request.Labels, request.Settings, request.Evaluation, coordinator, hub, request.CheckpointPath)), "student");
        var teacherIds = request.Teachers.Select(t => t.Id).ToList();
        var aggregator = system.ActorOf(EnsembleAggregator.Props(request.RunId, teacherIds, request.Settings, request.Student.Classes, student, coordinator), "aggregator");
        var teachers = request.Teachers
            .Select(t => system.ActorOf(TeacherActor.Props(t.Id, t.Source, planner, aggregator), $"teacher-{t.Id}"))
            .ToList();
        for (var t = 0; t < teachers.Count; t++)
        {
            // Teachers updated while training runs: a checkpoint of a teacher's model id swaps its weights.
            hub.Tell(new SubscribeCheckpoints(teachers[t], request.Teachers[t].Id));
        }

        coordinator.Tell(new BeginRun(teachers, aggregator));

        await observer.Done.ConfigureAwait(false);
        var coordinatorStats = await coordinator.Ask<CoordinatorStats>(new GetStats(), s_statsTimeout, CancellationToken.None).ConfigureAwait(false);
        var studentStats = await student.Ask<StudentStats>(new GetStats(), s_statsTimeout, CancellationToken.None).ConfigureAwait(false);
        var aggregatorStats = await aggregator.Ask<AggregatorStats>(new GetStats(), s_statsTimeout, CancellationToken.None).ConfigureAwait(false);
        var hubStats = await hub.Ask<HubStats>(new GetStats(), s_statsTimeout, CancellationToken.None).ConfigureAwait(false);
        var shards = new ShardCounters(coordinatorStats.Dispatched, aggregatorStats.Aggregated, studentStats.Trained,
            aggregatorStats.DuplicatesDropped + aggregatorStats.LateDropped + studentStats.DuplicatesDropped, aggregatorStats.ClosedIncomplete,
            aggregatorStats.RejectedOutputs);
        return new PipelineResult(shards, studentStats, aggregatorStats, hubStats, clock.Elapsed);
    }

    private static void CheckTeachers(PipelineRequest request)
    {
        if (request.Teachers.Count == 0 && request.Settings.Alpha > 0)
        {
            throw new ArgumentException("distillation with alpha > 0 needs at least one teacher");
        }

        foreach (var teacher in request.Teachers)
        {
            if (teacher.Source.Classes != request.Student.Classes)
            {
                throw new InvalidOperationException(
                    $"teacher {teacher.Id} has {teacher.Source.Classes} classes, the student {request.Student.Architecture} has {request.Student.Classes}");
            }
        }

        if (request.Labels.Length != request.Train.Count)
        {
            throw new ArgumentException($"{request.Labels.Length} labels for {request.Train.Count} training rows");
        }
    }

    /// <summary>Turns the coordinator's callbacks into a task, and forwards progress to the request's callbacks.</summary>
    private sealed class CompletionObserver(PipelineRequest request) : IPipelineObserver
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Done => _done.Task;

        public void ShardTrained(int trained, int total) => request.OnShardTrained?.Invoke(trained, total);

        public void EpochCompleted(StudentEpochCompleted epoch) => request.OnEpoch?.Invoke(epoch);

        public void Completed() => _done.TrySetResult();

        public void Failed(Exception reason) => _done.TrySetException(reason);
    }
}
