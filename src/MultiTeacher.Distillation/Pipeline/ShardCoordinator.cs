using Akka.Actor;
using Akka.Event;
using MultiTeacher.Core.Data;

namespace MultiTeacher.Distillation.Pipeline;

/// <summary>
/// Plans the run's epochs into shards and tracks each until the student has trained on it. At most
/// <see cref="DistillationSettings.MaxShardsInFlight"/> shards are out at once, so memory stays flat however large the
/// dataset; each is announced to the aggregator, whose deadline starts then.
/// Teacher replicas pull the work (<see cref="RegisterReplica"/>, then a <see cref="ShardServed"/> for each shard
/// served): every (shard, teacher id) goes to one replica of that id at a time, and a replica holds at most its own
/// bound. The coordinator watches every replica; one that stops, or whose node is unreachable
/// (<see cref="ReplicaUnreachable"/>), leaves its outstanding work to the other replicas of its id. Work of a teacher
/// id without a live replica waits (the aggregator's deadline closes its shards with the other teachers).
/// A resumed run starts at the first shard its student has not trained. Progress, epochs, the end and a failure go to
/// the actor the coordinator reports to (<see cref="RunProgress"/>, <see cref="StudentEpochCompleted"/>,
/// <see cref="RunCompleted"/>, <see cref="RunFailed"/>).
/// </summary>
public sealed class ShardCoordinator : ReceiveActor
{
    private readonly string _runId;
    private readonly ShardPlanner _planner;
    private readonly int _shardsPerEpoch;
    private readonly int _total;
    private readonly int _maxInFlight;
    private readonly IActorRef _reportTo;
    private readonly Dictionary<int, Shard> _inFlight = [];
    private readonly ReplicaPool _replicas;
    private readonly IReadOnlyList<string> _teacherIds;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef _aggregator = ActorRefs.Nobody;
    private int _dispatched;
    private int _trained;

    /// <summary>Creates the coordinator; see <see cref="Props"/>.</summary>
    public ShardCoordinator(string runId, ShardPlanner planner, DistillationSettings settings, IReadOnlyList<string> teacherIds, IActorRef reportTo,
        int firstShard = 0)
    {
        _runId = runId;
        _planner = planner;
        _shardsPerEpoch = planner.ForEpoch(0).Shards.Count;
        _total = _shardsPerEpoch * settings.Epochs;
        _maxInFlight = settings.MaxShardsInFlight;
        _reportTo = reportTo;
        _replicas = new ReplicaPool(teacherIds);
        _teacherIds = teacherIds;
        ArgumentOutOfRangeException.ThrowIfNegative(firstShard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(firstShard, _total);
        _dispatched = _trained = firstShard;
        Receive<BeginRun>(Begin);
        Receive<RegisterReplica>(Register);
        Receive<ShardServed>(Served, s => s.RunId == _runId);
        Receive<Terminated>(t => Lose(t.ActorRef, "stopped"));
        Receive<ReplicaUnreachable>(u =>
        {
            Context.Unwatch(u.Replica);
            Lose(u.Replica, "is on an unreachable node");
        });
        Receive<ShardTrained>(Trained, t => t.RunId == _runId);
        Receive<ShardFailed>(f => Report(new RunFailed(_runId, $"shard {f.Shard.Id} failed: {f.Reason}")), f => f.RunId == _runId);
        Receive<StudentEpochCompleted>(e =>
        {
            _reportTo.Tell(e);
            Context.System.EventStream.Publish(e);
        }, e => e.RunId == _runId);
        Receive<GetStats>(_ => Sender.Tell(new CoordinatorStats(_dispatched, _trained, _total) { Replicas = _replicas.Count, Requeued = _replicas.Requeued }));
    }

    /// <summary>
    /// Props of the coordinator of a run with the teachers <paramref name="teacherIds"/>; <paramref name="firstShard"/>
    /// is the first sequence to dispatch (0, or where a resumed student stands). Its arguments are plain data and
    /// references, so the props themselves can travel.
    /// </summary>
    public static Props Props(string runId, ShardPlanner planner, DistillationSettings settings, IReadOnlyList<string> teacherIds, IActorRef reportTo,
        int firstShard = 0) =>
        Akka.Actor.Props.Create(() => new ShardCoordinator(runId, planner, settings, teacherIds, reportTo, firstShard));

    private void Begin(BeginRun begin)
    {
        _aggregator = begin.Aggregator;
        Context.System.EventStream.Publish(new RunStarted(_runId, _total, _shardsPerEpoch, _teacherIds.ToArray()));
        Dispatch();
    }

    private void Register(RegisterReplica register)
    {
        var requeuedBefore = _replicas.Requeued;
        var problem = _replicas.Register(register.TeacherId, register.Replica, register.MaxInFlight, out var added);
        if (problem is not null)
        {
            _log.Warning("{0}", $"refused replica {register.Replica.Path} of teacher '{register.TeacherId}': {problem}");
            register.Replica.Tell(new ReplicaRejected(register.TeacherId, problem), Self);
            return;
        }

        if (added)
        {
            Context.Watch(register.Replica);
        }
        else if (_replicas.Requeued > requeuedBefore)
        {
            _log.Warning("{0}", $"replica {register.Replica.Path} of teacher '{register.TeacherId}' registered again: the " +
                $"{_replicas.Requeued - requeuedBefore} shard(s) it held are handed out again");
        }

        Dispatch();
    }

    private void Served(ShardServed served)
    {
        if (_inFlight.TryGetValue(served.Sequence, out var shard))
        {
            Context.System.EventStream.Publish(new ReplicaShardServed(_runId, served.TeacherId, served.Replica.Path.ToString(), shard.RowCount));
        }

        if (_replicas.Served(served.Replica, served.Sequence))
        {
            Dispatch();
        }
    }

    private void Lose(IActorRef replica, string how)
    {
        var teacher = _replicas.TeacherOf(replica);
        var requeued = _replicas.Remove(replica);
        if (teacher is null)
        {
            return;
        }

        _log.Warning("{0}", $"replica {replica.Path} of teacher '{teacher}' {how}: {requeued.Count} shard(s) it held go to other replicas " +
            $"[{string.Join(", ", requeued)}]");
        Dispatch();
    }

    private void Trained(ShardTrained trained)
    {
        if (!_inFlight.Remove(trained.Sequence))
        {
            return;
        }

        _replicas.Forget(trained.Sequence);
        _trained++;
        _reportTo.Tell(new RunProgress(_runId, _trained, _total));
        PublishProgress();
        if (_trained == _total)
        {
            Report(new RunCompleted(_runId));
            return;
        }

        Dispatch();
    }

    /// <summary>Plans shards up to the in-flight limit, then hands waiting work to every replica with a free slot.</summary>
    private void Dispatch()
    {
        if (_aggregator.IsNobody())
        {
            return; // Replicas may register before the run begins; they get work once it does.
        }

        var planned = _dispatched;
        while (_dispatched < _total && _inFlight.Count < _maxInFlight)
        {
            var sequence = _dispatched++;
            var shard = _planner.ForEpoch(sequence / _shardsPerEpoch).Shards[sequence % _shardsPerEpoch];
            _inFlight.Add(sequence, shard);
            _aggregator.Tell(new ExpectShard(_runId, shard, sequence), Self);
            _replicas.Enqueue(sequence);
        }

        if (_dispatched > planned)
        {
            PublishProgress();
        }

        foreach (var (replica, sequence) in _replicas.Assign())
        {
            replica.Tell(new ShardRequest(_runId, _inFlight[sequence], sequence), Self);
        }
    }

    private void PublishProgress() => Context.System.EventStream.Publish(
        new CoordinatorProgress(_runId, _dispatched, _trained, _total, _inFlight.Count, _replicas.Count, _replicas.Requeued));

    /// <summary>Tells the report target the run ended or failed, and publishes the same for watchers.</summary>
    private void Report(object outcome)
    {
        _reportTo.Tell(outcome);
        Context.System.EventStream.Publish(outcome);
    }
}

/// <summary>Starts a run once the aggregator exists: it is told of every shard planned (teacher replicas register on their own).</summary>
public sealed record BeginRun(IActorRef Aggregator);

/// <summary>The coordinator's counters.</summary>
public sealed record CoordinatorStats(int Dispatched, int Trained, int Total)
{
    /// <summary>Teacher replicas registered and not lost.</summary>
    public int Replicas { get; init; }

    /// <summary>(shard, teacher) work taken from lost replicas and handed out again.</summary>
    public int Requeued { get; init; }
}
