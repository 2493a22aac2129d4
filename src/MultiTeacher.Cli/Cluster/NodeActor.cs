using Microsoft.Extensions.Logging;
using MultiTeacher.Actors;
using MultiTeacher.Cluster;
using MultiTeacher.Configuration;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Experiments;
using MultiTeacher.Distillation.Nodes;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Cli.Cluster;

/// <summary>
/// A node's agent: on a <see cref="RunSpec"/> it prepares the run and starts the actors of its roles (teacher
/// replicas, aggregator, student), each consuming its endpoint's queue; on <see cref="RunCompleted"/> it saves the
/// student, reports its counters to the coordinator and releases the run. One run at a time.
/// </summary>
internal sealed class NodeActor : ReceiveActor
{
    private static readonly TimeSpan s_askTimeout = TimeSpan.FromSeconds(30);
    private readonly RabbitMqTransport _transport;
    private readonly NodeRoles _roles;
    private readonly string? _dataDirectory;
    private readonly ILogger _log;
    private readonly HashSet<string> _finished = [];
    private ActiveRun? _active;

    public NodeActor(RabbitMqTransport transport, NodeRoles roles, string? dataDirectory, ILogger log)
    {
        _transport = transport;
        _roles = roles;
        _dataDirectory = dataDirectory;
        _log = log;
        // Announcements are handed on to this actor as local messages, so that their delivery is acknowledged at once:
        // what the work publishes (to a queue the broker may be refusing) must not hold back the next announcement.
        Receive<RunSpec>(s => Self.Tell(new Submitted(s)));
        Receive<RunCompleted>(c => Self.Tell(new Ended(c)));
        Receive<Submitted>(s => StartAsync(s.Spec), s => _active?.Spec.RunId != s.Spec.RunId && !_finished.Contains(s.Spec.RunId));
        Receive<Submitted>(_ => { });
        Receive<Ended>(e => CompleteAsync(e.Completed), e => _active?.Spec.RunId == e.Completed.RunId);
        Receive<Ended>(e => _finished.Add(e.Completed.RunId));
    }

    public static Props Props(RabbitMqTransport transport, NodeRoles roles, string? dataDirectory, ILogger log) =>
        Actors.Props.Create(() => new NodeActor(transport, roles, dataDirectory, log));

    private async Task StartAsync(RunSpec spec)
    {
        if (_active is not null)
        {
            _log.LogWarning("run {Run} submitted while {Active} runs; it starts when that one ends", spec.RunId, _active.Spec.RunId);
            return;
        }

        _log.LogInformation("run {Run}: starting {Roles}", spec.RunId, _roles);
        DistillRequest request;
        PreparedRun run;
        try
        {
            request = RunRequest(spec);
            var ids = request.Teachers.Concat(request.TeacherLogits).Select(PreparedTeacher.IdOf).ToList();
            run = PreparedRun.Create(request, spec.DataDirectory.Length > 0 ? spec.DataDirectory : _dataDirectory, SilentProgress.Instance,
                CancellationToken.None, id => _roles.Serves(id, ids.IndexOf(id) + 1));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or ArgumentException or FormatException
            or HoconException)
        {
            // A node that cannot take part says why and stays up for the next run; the run goes on without it.
            _log.LogError("run {Run}: this node cannot take part: {Reason}", spec.RunId, e.Message);
            _finished.Add(spec.RunId);
            return;
        }

        var prefetch = (ushort)Math.Max(_transport.Settings.Prefetch, request.Settings.MaxShardsInFlight * (run.Teachers.Count + 1));
        var fabric = new RabbitFabric(_transport, Context.System, RabbitFabric.KeyOf(spec.RunId), prefetch);
        var node = new PipelineNode(Context.System, fabric, spec.RunId, run, request.Settings with { FailUnansweredShards = false });
        var active = new ActiveRun(spec);
        foreach (var teacher in run.Teachers.Where(t => t.Train is not null))
        {
            active.Actors.Add(await node.StartTeacherAsync(teacher, CancellationToken.None).ConfigureAwait(false));
        }

        if (_roles.Has(NodeRoles.Aggregator))
        {
            active.Aggregator = await node.StartAggregatorAsync(CancellationToken.None).ConfigureAwait(false);
            active.Actors.Add(active.Aggregator);
        }

        if (_roles.Has(NodeRoles.Student))
        {
            var file = StudentFile(spec);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var state = ClusterRunFolder.StudentState(spec.OutDirectory);
            Directory.CreateDirectory(Path.GetDirectoryName(state)!);
            if (File.Exists(state))
            {
                _log.LogInformation("run {Run}: resuming the student from {State}", spec.RunId, state);
            }

            (active.Student, active.StudentModel) = await node.StartStudentAsync("student", null, file, state, CancellationToken.None).ConfigureAwait(false);
            active.Actors.Add(active.Student);
        }

        _active = active;
        _log.LogInformation("run {Run}: serving {Count} endpoint(s)", spec.RunId, active.Actors.Count);
    }

    private async Task CompleteAsync(RunCompleted completed)
    {
        var active = _active!;
        _active = null;
        _finished.Add(completed.RunId);
        var counters = new Dictionary<string, double>();
        var incidents = new List<string>();
        if (active.Aggregator is { } aggregator)
        {
            var stats = await aggregator.Ask<AggregatorStats>(new GetStats(), s_askTimeout, CancellationToken.None).ConfigureAwait(false);
            counters["aggregated"] = stats.Aggregated;
            counters["duplicates_dropped"] = stats.DuplicatesDropped + stats.LateDropped;
            counters["closed_incomplete"] = stats.ClosedIncomplete;
            counters["rejected_outputs"] = stats.RejectedOutputs;
            incidents.AddRange(stats.Incidents);
        }

        if (active.Student is { } student)
        {
            var stats = await student.Ask<StudentStats>(new GetStats(), s_askTimeout, CancellationToken.None).ConfigureAwait(false);
            counters["trained"] = stats.Trained;
            counters["student_duplicates_dropped"] = stats.DuplicatesDropped;
            counters["student_steps"] = stats.Steps;
        }

        foreach (var actor in active.Actors)
        {
            await actor.GracefulStopAsync(s_askTimeout).ConfigureAwait(false);
        }

        if (active.StudentModel is { } model && completed.Succeeded)
        {
            ModelCheckpoint.Save(model, StudentFile(active.Spec), new Dictionary<string, string> { ["run"] = completed.RunId });
        }

        var transport = _transport.Counters;
        counters["published"] = transport.Published;
        counters["delivered"] = transport.Delivered;
        counters["redelivered"] = transport.Redelivered;
        counters["dead_lettered"] = transport.DeadLettered;
        counters["bytes_in"] = transport.BytesIn;
        counters["bytes_out"] = transport.BytesOut;
        var fabric = new RabbitFabric(_transport, Context.System, RabbitFabric.KeyOf(completed.RunId), 1);
        fabric.Abandon();
        fabric.Endpoint(ClusterEndpoints.Reports).Tell(new NodeReport(completed.RunId, _transport.NodeId,
            _roles.Roles.Where(r => r != NodeRoles.Coordinator).ToList(), counters, incidents));
        _log.LogInformation("run {Run}: {Outcome}", completed.RunId, completed.Succeeded ? "completed" : "stopped: " + completed.Reason);
    }

    private static DistillRequest RunRequest(RunSpec spec)
    {
        var tree = HoconConfig.Parse($"{Commands.DistillConfig.Section} = {spec.RequestHocon}", $"run {spec.RunId}");
        return Commands.DistillConfig.Read(tree, spec.BaseDirectory);
    }

    private static string StudentFile(RunSpec spec) => ClusterRunFolder.StudentFile(spec.OutDirectory);

    /// <summary>A run submitted, handled after its broadcast delivery was acknowledged.</summary>
    private sealed record Submitted(RunSpec Spec);

    /// <summary>A run ended, handled after its broadcast delivery was acknowledged.</summary>
    private sealed record Ended(RunCompleted Completed);

    private sealed class ActiveRun(RunSpec spec)
    {
        public RunSpec Spec { get; } = spec;

        public List<IActorRef> Actors { get; } = [];

        public IActorRef? Aggregator { get; set; }

        public IActorRef? Student { get; set; }

        public Model? StudentModel { get; set; }
    }
}
