using Akka.Actor;
using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Reports;
using MultiTeacher.Distillation.Students;

namespace MultiTeacher.Distillation.Pipeline;

/// <summary>
/// One in-process distillation run: the parent of the pipeline's actors (coordinator, teachers, aggregator, student,
/// checkpoint hub). It starts the run, passes progress to the request's callbacks and, once the coordinator reports
/// the end, gathers every actor's counters into the <see cref="PipelineResult"/> (DeviceGroupQuery's shape: ask each,
/// answer when all have replied, fail naming the silent ones at a deadline).
/// A child that throws has lost state the run depends on (the student's place in the plan, the aggregator's pending
/// shards): restarting it would hide that, so the supervision strategy stops it and fails the run, naming the cause.
/// </summary>
internal sealed class DistillationRun : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan s_statsTimeout = TimeSpan.FromSeconds(30);
    private readonly PipelineRequest _request;
    private readonly TaskCompletionSource<PipelineResult> _done;
    private readonly IActorRef _coordinator;
    private readonly IActorRef _hub;
    private readonly IActorRef _student;
    private readonly IActorRef _aggregator;
    private readonly List<IActorRef> _teachers = [];
    private CoordinatorStats? _coordinatorStats;
    private StudentStats? _studentStats;
    private AggregatorStats? _aggregatorStats;
    private HubStats? _hubStats;

    public DistillationRun(PipelineRequest request, TaskCompletionSource<PipelineResult> done)
    {
        _request = request;
        _done = done;
        var planner = new ShardPlanner(request.Train.Name, request.Train.Count, request.Settings.Seed, request.Settings.ShardSize);
        var teacherIds = request.TeacherIds;
        _coordinator = Context.ActorOf(ShardCoordinator.Props(request.RunId, planner, request.Settings, teacherIds, Self, FirstShard(request)), "coordinator");
        _hub = Context.ActorOf(CheckpointHub.Props(), "checkpoints");
        _student = Context.ActorOf(StudentTrainer.Props(new StudentTrainerSetup(request.RunId, request.StudentId, request.Student, request.Train,
            planner, request.Labels, request.Settings, request.Evaluation, _coordinator, _hub, request.CheckpointPath) { Features = request.Features, StatePath = request.StatePath }), "student");
        _aggregator = Context.ActorOf(EnsembleAggregator.Props(request.RunId, teacherIds, request.Settings, request.Student.Classes, _student, _coordinator), "aggregator");
        foreach (var teacher in request.Teachers)
        {
            // One replica per teacher; it registers with the coordinator and pulls its shards.
            var props = request.Features is { } features
                ? TeacherActor.Props(teacher.Id, teacher.Source, planner, _aggregator, _coordinator, request.Settings.ReplicaInFlight,
                    features.RequestsFor(teacher.Id), features.Wire.Float16)
                : TeacherActor.Props(teacher.Id, teacher.Source, planner, _aggregator, _coordinator, request.Settings.ReplicaInFlight);
            _teachers.Add(Context.ActorOf(props, $"teacher-{teacher.Id}"));
        }

        Receive<RunProgress>(p => Callback(() => _request.OnShardTrained?.Invoke(p.Trained, p.Total)), p => p.RunId == _request.RunId);
        Receive<StudentEpochCompleted>(e => Callback(() => _request.OnEpoch?.Invoke(e)), e => e.RunId == _request.RunId);
        Receive<RunFailed>(f => Fail(new PipelineException(f.Reason)), f => f.RunId == _request.RunId);
        Receive<RunCompleted>(_ => GatherStats(), c => c.RunId == _request.RunId);
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of a run. Local only: the request holds the caller's networks, data and callbacks (<see cref="Deploy.Local"/>).</summary>
    public static Props Props(PipelineRequest request, TaskCompletionSource<PipelineResult> done) =>
        Akka.Actor.Props.Create(() => new DistillationRun(request, done)).WithDeploy(Deploy.Local);

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(Decider.From(e =>
    {
        var cause = Unwrap(e);
        Fail(new PipelineException($"a pipeline actor failed: {cause.Message}", cause));
        return Directive.Stop;
    }));

    /// <summary>
    /// The error itself: a constructor that threw (a student state of another run, say) reaches the supervisor wrapped
    /// in Akka's <see cref="ActorInitializationException"/>, around the reflection's own wrappers.
    /// </summary>
    private static Exception Unwrap(Exception error)
    {
        while (error is ActorInitializationException or TypeLoadException or System.Reflection.TargetInvocationException && error.InnerException is { } inner)
        {
            error = inner;
        }

        return error;
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        for (var t = 0; t < _teachers.Count; t++)
        {
            // Teachers updated while training runs: a checkpoint of a teacher's model id swaps its weights.
            _hub.Tell(new SubscribeCheckpoints(_teachers[t], _request.Teachers[t].Id));
        }

        Callback(() => _request.OnStarted?.Invoke(new RunEndpoints(_coordinator, _aggregator)));
        if (_request.BeginAtOnce)
        {
            _coordinator.Tell(new BeginRun(_aggregator));
        }
    }

    /// <summary>
    /// Where a resumed run starts: the first shard the saved student has not trained (its state is handed over to this
    /// run's id), or 0 without a saved state.
    /// </summary>
    private static int FirstShard(PipelineRequest request) =>
        request.StatePath is { } path && File.Exists(path) ? StudentState.HandOver(path, request.RunId).NextShard : 0;

    /// <inheritdoc />
    protected override void PostStop() => _done.TrySetException(new PipelineException("the run was stopped before it finished"));

    private void GatherStats()
    {
        Become(Gathering);
        foreach (var actor in new[] { _coordinator, _student, _aggregator, _hub })
        {
            actor.Tell(GetStats.Instance);
        }

        Timers.StartSingleTimer("stats", StatsTimedOut.Instance, s_statsTimeout);
    }

    private void Gathering()
    {
        Receive<CoordinatorStats>(s => Gathered(() => _coordinatorStats = s));
        Receive<StudentStats>(s => Gathered(() => _studentStats = s));
        Receive<AggregatorStats>(s => Gathered(() => _aggregatorStats = s));
        Receive<HubStats>(s => Gathered(() => _hubStats = s));
        Receive<RunFailed>(f => Fail(new PipelineException(f.Reason)), f => f.RunId == _request.RunId);
        Receive<StatsTimedOut>(_ =>
        {
            var silent = new[] { ("coordinator", _coordinatorStats is null), ("student", _studentStats is null), ("aggregator", _aggregatorStats is null),
                ("checkpoint hub", _hubStats is null) }.Where(s => s.Item2).Select(s => s.Item1);
            Fail(new PipelineException($"the run finished but did not report its counters within {s_statsTimeout.TotalSeconds} s: no answer from {string.Join(", ", silent)}"));
        });
    }

    private void Gathered(Action keep)
    {
        keep();
        if (_coordinatorStats is null || _studentStats is null || _aggregatorStats is null || _hubStats is null)
        {
            return;
        }

        Timers.Cancel("stats");
        var shards = new ShardCounters(_coordinatorStats.Dispatched, _aggregatorStats.Aggregated, _studentStats.Trained,
            _aggregatorStats.DuplicatesDropped + _aggregatorStats.LateDropped + _studentStats.DuplicatesDropped, _aggregatorStats.ClosedIncomplete,
            _aggregatorStats.RejectedOutputs);
        _done.TrySetResult(new PipelineResult(shards, _studentStats, _aggregatorStats, _hubStats, TimeSpan.Zero) { Coordinator = _coordinatorStats });
    }

    /// <summary>Runs a caller's callback; one that throws fails the run instead of this actor.</summary>
    private void Callback(Action callback)
    {
        try
        {
            callback();
        }
        catch (Exception e)
        {
            Fail(new PipelineException($"a progress callback failed: {e.Message}", e));
        }
    }

    private void Fail(Exception reason) => _done.TrySetException(reason);

    private sealed record StatsTimedOut
    {
        public static StatsTimedOut Instance { get; } = new();
    }
}
