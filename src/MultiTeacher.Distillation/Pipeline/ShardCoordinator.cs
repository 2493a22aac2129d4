using Akka.Actor;
using MultiTeacher.Core.Data;

namespace MultiTeacher.Distillation.Pipeline;

/// <summary>
/// Plans the run's epochs into shards and tracks each until the student has trained on it. At most
/// <see cref="DistillationSettings.MaxShardsInFlight"/> shards are out at once, so memory stays flat however large the
/// dataset. Every shard goes to every teacher and is announced to the aggregator, whose deadline starts then.
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
    private readonly HashSet<int> _inFlight = [];
    private IReadOnlyList<IActorRef> _teachers = [];
    private IActorRef _aggregator = ActorRefs.Nobody;
    private int _dispatched;
    private int _trained;

    /// <summary>Creates the coordinator; see <see cref="Props"/>.</summary>
    public ShardCoordinator(string runId, ShardPlanner planner, DistillationSettings settings, IActorRef reportTo, int firstShard = 0)
    {
        _runId = runId;
        _planner = planner;
        _shardsPerEpoch = planner.ForEpoch(0).Shards.Count;
        _total = _shardsPerEpoch * settings.Epochs;
        _maxInFlight = settings.MaxShardsInFlight;
        _reportTo = reportTo;
        ArgumentOutOfRangeException.ThrowIfNegative(firstShard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(firstShard, _total);
        _dispatched = _trained = firstShard;
        Receive<BeginRun>(Begin);
        Receive<ShardTrained>(Trained, t => t.RunId == _runId);
        Receive<ShardFailed>(f => _reportTo.Tell(new RunFailed(_runId, $"shard {f.Shard.Id} failed: {f.Reason}")), f => f.RunId == _runId);
        Receive<StudentEpochCompleted>(e => _reportTo.Tell(e), e => e.RunId == _runId);
        Receive<GetStats>(_ => Sender.Tell(new CoordinatorStats(_dispatched, _trained, _total)));
    }

    /// <summary>
    /// Props of the coordinator; <paramref name="firstShard"/> is the first sequence to dispatch (0, or where a resumed
    /// student stands). Its arguments are plain data and references, so the props themselves can travel.
    /// </summary>
    public static Props Props(string runId, ShardPlanner planner, DistillationSettings settings, IActorRef reportTo, int firstShard = 0) =>
        Akka.Actor.Props.Create(() => new ShardCoordinator(runId, planner, settings, reportTo, firstShard));

    private void Begin(BeginRun begin)
    {
        _teachers = begin.Teachers;
        _aggregator = begin.Aggregator;
        Dispatch();
    }

    private void Trained(ShardTrained trained)
    {
        if (!_inFlight.Remove(trained.Sequence))
        {
            return;
        }

        _trained++;
        _reportTo.Tell(new RunProgress(_runId, _trained, _total));
        if (_trained == _total)
        {
            _reportTo.Tell(new RunCompleted(_runId));
            return;
        }

        Dispatch();
    }

    private void Dispatch()
    {
        while (_dispatched < _total && _inFlight.Count < _maxInFlight)
        {
            var sequence = _dispatched++;
            var shard = _planner.ForEpoch(sequence / _shardsPerEpoch).Shards[sequence % _shardsPerEpoch];
            _inFlight.Add(sequence);
            _aggregator.Tell(new ExpectShard(_runId, shard, sequence), Self);
            foreach (var teacher in _teachers)
            {
                teacher.Tell(new ShardRequest(_runId, shard, sequence), Self);
            }
        }
    }
}

/// <summary>Starts a run once every actor exists: the teachers to ask and the aggregator to expect their outputs.</summary>
public sealed record BeginRun(IReadOnlyList<IActorRef> Teachers, IActorRef Aggregator);

/// <summary>The coordinator's counters.</summary>
public sealed record CoordinatorStats(int Dispatched, int Trained, int Total);
