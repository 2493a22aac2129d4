using Akka.Actor;
using Akka.Event;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Teachers;
using MultiTeacher.Distillation.Features;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Pipeline;

/// <summary>
/// A replica of one teacher model: for every <see cref="ShardRequest"/> it computes the logits of the shard's rows,
/// sends a <see cref="TeacherOutput"/> (tagged with its model version) to the aggregator and then tells the request's
/// sender the shard is served (<see cref="ShardServed"/>, which frees its slot for the next shard). Given a coordinator,
/// it registers with it at start (<see cref="RegisterReplica"/>) and pulls its work from then on. Several replicas may
/// serve one teacher id. A <see cref="Checkpoint"/> for its model id swaps the weights between two shards, never during
/// one (the actor handles one message at a time); an older or equal version, or one of another architecture, is
/// ignored. A cached teacher pass (version 0) never swaps.
/// </summary>
public sealed class TeacherActor : ReceiveActor
{
    private readonly string _teacherId;
    private readonly ILogitSource _source;
    private readonly ShardPlanner _planner;
    private readonly IActorRef _aggregator;
    private readonly IActorRef? _coordinator;
    private readonly int _maxInFlight;
    private readonly IReadOnlyList<FeatureRequest> _features;
    private readonly bool _float16;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>Creates the actor; see <see cref="Props(string, ILogitSource, ShardPlanner, IActorRef, IActorRef?, int, IReadOnlyList{FeatureRequest}, bool)"/>.</summary>
    public TeacherActor(string teacherId, ILogitSource source, ShardPlanner planner, IActorRef aggregator, IActorRef? coordinator = null, int maxInFlight = 2,
        IReadOnlyList<FeatureRequest>? features = null, bool float16 = false)
    {
        _features = features ?? [];
        _float16 = float16;
        if (_features.Count > 0 && source is not IFeatureSource)
        {
            throw new ArgumentException($"teacher {teacherId}: features {string.Join(", ", _features.Select(f => f.Layer))} were asked for, but its source serves logits only");
        }

        _teacherId = teacherId;
        _source = source;
        _planner = planner;
        _aggregator = aggregator;
        _coordinator = coordinator;
        _maxInFlight = maxInFlight;
        Receive<ShardRequest>(Serve);
        Receive<Checkpoint>(Swap, c => c.ModelId == _teacherId);
        Receive<ReplicaRejected>(r => _log.Error("{0}", $"teacher {_teacherId}: the coordinator refused this replica: {r.Reason}"));
    }

    /// <summary>
    /// Props of a teacher replica. With a <paramref name="coordinator"/> it registers there at start, holding at most
    /// <paramref name="maxInFlight"/> shards at once; without one it serves whoever sends it requests (someone else
    /// may register it). Local only: <paramref name="source"/> is a network or a teacher pass held in this process's
    /// memory, so the props never travel (<see cref="Deploy.Local"/>, which also exempts them from
    /// <c>serialize-creators</c>); a teacher on another machine is created there, from its own files.
    /// </summary>
    public static Props Props(string teacherId, ILogitSource source, ShardPlanner planner, IActorRef aggregator, IActorRef? coordinator = null,
        int maxInFlight = 2) =>
        Akka.Actor.Props.Create(() => new TeacherActor(teacherId, source, planner, aggregator, coordinator, maxInFlight, null, false)).WithDeploy(Deploy.Local);

    /// <summary>
    /// Props of a teacher replica that sends <paramref name="features"/> of its network with every shard's logits
    /// (feature distillation), as float16 when <paramref name="float16"/>; otherwise as <see cref="Props(string, ILogitSource, ShardPlanner, IActorRef, IActorRef?, int)"/>.
    /// </summary>
    public static Props Props(string teacherId, ILogitSource source, ShardPlanner planner, IActorRef aggregator, IActorRef? coordinator, int maxInFlight,
        IReadOnlyList<FeatureRequest> features, bool float16) =>
        Akka.Actor.Props.Create(() => new TeacherActor(teacherId, source, planner, aggregator, coordinator, maxInFlight, features, float16)).WithDeploy(Deploy.Local);

    /// <summary>
    /// Registers with the coordinator, if given: at start, and again after a restart (Akka's PostRestart calls
    /// PreStart), which makes the coordinator hand out again the shards this replica held, the failed one among them.
    /// </summary>
    protected override void PreStart() => _coordinator?.Tell(new RegisterReplica(_teacherId, Self, _maxInFlight), Self);

    private void Serve(ShardRequest request)
    {
        var rows = _planner.ForEpoch(request.Shard.Epoch).RowsOf(request.Shard);
        var logits = new float[rows.Length * _source.Classes];
        IReadOnlyList<FeatureBlock> blocks;
        long version;
        do
        {
            // A source shared with another run's replica can be swapped by that replica between reading the version
            // and the pass: then the pass is done again, so an output never carries a version its logits are not of.
            version = _source.Version;
            blocks = Compute(rows, logits);
        }
        while (version != _source.Version);

        _aggregator.Tell(new TeacherOutput(request.RunId, request.Shard, request.Sequence, _teacherId, version, logits, rows.Length, _source.Classes)
        {
            Features = blocks,
        }, Self);
        if (!Sender.IsNobody())
        {
            Sender.Tell(new ShardServed(request.RunId, request.Sequence, _teacherId, Self), Self);
        }
    }

    private IReadOnlyList<FeatureBlock> Compute(ReadOnlySpan<int> rows, float[] logits)
    {
        if (_features.Count == 0)
        {
            _source.Logits(rows, logits);
            return [];
        }

        var features = ((IFeatureSource)_source).LogitsAndFeatures(rows, logits, _features);
        return _features.Select((f, i) => FeatureBlock.Create(_teacherId, f.Layer, f.AttentionMap,
            Array.ConvertAll(features[i].Shape, d => (int)d), features[i].Values, _float16)).ToArray();
    }

    private void Swap(Checkpoint checkpoint)
    {
        if (_source is not ModelLogitSource model || checkpoint.Version <= model.Version)
        {
            return;
        }

        if (checkpoint.Weights.Length != model.Model.ParameterCount || checkpoint.Arch != model.Model.Architecture.Text)
        {
            _log.Warning("{0}", $"teacher {_teacherId}: ignored checkpoint version {checkpoint.Version} of {checkpoint.Arch} " +
                $"({checkpoint.Weights.Length} weights); this teacher is {model.Model.Architecture} ({model.Model.ParameterCount})");
            return;
        }

        model.Swap(checkpoint.Weights, checkpoint.Version);
    }
}
