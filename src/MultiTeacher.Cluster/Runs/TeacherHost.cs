using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Features;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Cluster.Runs;

/// <summary>
/// The teacher side of a node: it listens for <see cref="RunAnnouncement"/>s and, for each new run, prepares what it
/// serves to it (<see cref="TeacherPreparer"/>, off the actor's thread: reading files and a teacher pass take time).
/// When the run's shard plan equals the one the teachers were read over (same rows, seed and shard size), it starts
/// <c>replicas</c> <see cref="TeacherActor"/>s per teacher of the run it serves, which register with the run's
/// registrar and pull their work. A run it cannot serve is logged once, with the reason; a teacher whose local file
/// differs from the run's (SHA-256) is refused, logged here and reported to the run's registrar
/// (<see cref="TeacherRefused"/>). A teacher whose features the run asks for (<see cref="AnnouncedTeacher.Features"/>) is
/// served by replicas that send them with every shard, if this node's source of it serves features. When the run's
/// registrar stops (the run ended, or its node is gone) the run's replicas are stopped. Teacher checkpoints published
/// on <see cref="TeacherCheckpoints.Topic"/> are decided by a <see cref="TeacherSwapGate"/> (newer and of the same
/// shape: swapped; older or equal: ignored; another shape, or a cached teacher pass: refused, logged as an error naming
/// the teacher and both shapes), answered to the publisher, and a swap goes to the teacher's replicas, which change
/// weights between two shards; a source no replica runs now is swapped here, and replicas started later are handed the
/// newest accepted checkpoint first.
/// </summary>
public sealed class TeacherHost : ReceiveActor
{
    private readonly TeacherPreparer _prepare;
    private readonly int _replicas;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, List<Replica>> _runs = [];
    private readonly TeacherSwapGate _gate = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();

    /// <summary>Creates the host; see <see cref="Props(TeacherPreparer, int, IActorRef)"/>.</summary>
    public TeacherHost(TeacherPreparer prepare, int replicas, IActorRef mediator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        _prepare = prepare;
        _replicas = replicas;
        mediator.Tell(new Subscribe(RunRegistrar.Topic, Self));
        mediator.Tell(new Subscribe(TeacherCheckpoints.Topic, Self));
        Receive<SubscribeAck>(ack => _log.Info("{0}", ack.Subscribe.Topic == RunRegistrar.Topic ? "listening for announced runs" : "listening for teacher checkpoints"));
        Receive<Checkpoint>(Swap);
        Receive<RunAnnouncement>(Prepare);
        Receive<Prepared>(p => Serve(p.Run, p.Served));
        Receive<PreparationFailed>(f => _log.Error("{0}", $"run {f.Run.RunId} is not served here: {f.Reason}"));
        Receive<Terminated>(Ended);
        Receive<GetServedRuns>(_ => Sender.Tell(new ServedRuns(_runs.Count, _runs.Values.Sum(r => r.Count))));
    }

    /// <summary>
    /// Props of a host that prepares what it serves to each run with <paramref name="prepare"/>, with
    /// <paramref name="replicas"/> replicas per teacher and run. Local only: the teachers' logits live in this process.
    /// </summary>
    public static Props Props(TeacherPreparer prepare, int replicas, IActorRef mediator) =>
        Akka.Actor.Props.Create(() => new TeacherHost(prepare, replicas, mediator)).WithDeploy(Deploy.Local);

    /// <summary>Props of a host serving the fixed <paramref name="teachers"/>, read over <paramref name="planner"/>, to every run.</summary>
    public static Props Props(IReadOnlyList<ServedTeacher> teachers, ShardPlanner planner, int replicas, IActorRef mediator) =>
        Props(_ => Task.FromResult(new ServedRun(teachers, planner)), replicas, mediator);

    private void Prepare(RunAnnouncement run)
    {
        if (!_seen.Add(run.RunId))
        {
            return;
        }

        Task<ServedRun> preparing;
        try
        {
            preparing = _prepare(run);
        }
        catch (Exception e)
        {
            preparing = Task.FromException<ServedRun>(e);
        }

        preparing.PipeTo(Self, success: served => new Prepared(run, served), failure: e => new PreparationFailed(run, (e as AggregateException)?.InnerException?.Message ?? e.Message));
    }

    private void Serve(RunAnnouncement run, ServedRun served)
    {
        if (Mismatch(run, served.Planner) is { } problem)
        {
            _log.Warning("{0}", $"run {run.RunId} is not served here: {problem}");
            return;
        }

        var started = new List<Replica>();
        foreach (var announced in run.Teachers)
        {
            var teacher = served.Teachers.FirstOrDefault(t => t.Id == announced.Id);
            if (teacher is null)
            {
                continue;
            }

            if (announced.Sha256.Length > 0 && !announced.Sha256.Equals(teacher.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                var refused = new TeacherRefused(run.RunId, _node, teacher.Id, teacher.File, teacher.Sha256, announced.Sha256);
                _log.Error("{0}", refused.Reason);
                run.Registrar.Tell(refused);
                continue;
            }

            var features = announced.FeatureRequests;
            if (features.Count > 0 && teacher.Source is not IFeatureSource)
            {
                _log.Error("{0}", $"run {run.RunId}: teacher '{teacher.Id}' ({teacher.File}) is not served here: the run asks for its features " +
                    $"{string.Join(", ", features.Select(f => f.Layer))}, and this node's source of it serves logits only");
                continue;
            }

            _gate.Add(teacher.Id, teacher.Source);
            for (var r = 0; r < _replicas; r++)
            {
                var replica = Context.ActorOf(features.Count > 0
                    ? TeacherActor.Props(teacher.Id, teacher.Source, served.Planner, run.Aggregator, run.Registrar, run.ReplicaInFlight, features, run.FeatureFloat16)
                    : TeacherActor.Props(teacher.Id, teacher.Source, served.Planner, run.Aggregator, run.Registrar, run.ReplicaInFlight));
                if (_gate.Accepted(teacher.Id) is { } newest)
                {
                    replica.Tell(newest); // before its first shard: the replica's mailbox holds it ahead of any shard request
                }

                started.Add(new Replica(teacher.Id, teacher.Source, replica));
            }
        }

        if (started.Count == 0)
        {
            _log.Info("{0}", $"run {run.RunId} needs none of the teachers served here");
            return;
        }

        _log.Info("{0}", $"run {run.RunId}: started {started.Count} replica(s)");
        _runs[run.Registrar] = started;
        Context.Watch(run.Registrar);
    }

    private static string? Mismatch(RunAnnouncement run, ShardPlanner planner) =>
        (run.Dataset, run.Rows, run.Seed, run.ShardSize) == (planner.Dataset, planner.Count, planner.Seed, planner.ShardSize)
            ? null
            : $"its shard plan is {run.Rows} rows of {run.Dataset}, seed {run.Seed}, shards of {run.ShardSize}; this node's is {planner.Count} rows of " +
              $"{planner.Dataset}, seed {planner.Seed}, shards of {planner.ShardSize} (the nodes must read the same data with the same settings)";

    private void Ended(Terminated terminated)
    {
        if (_runs.Remove(terminated.ActorRef, out var replicas))
        {
            _log.Info("{0}", $"a run ended (its registrar {terminated.ActorRef.Path} stopped): stopping its {replicas.Count} replica(s)");
            replicas.ForEach(r => Context.Stop(r.Actor));
        }
    }

    private void Swap(Checkpoint checkpoint)
    {
        if (_gate.Decide(checkpoint, _node) is not { } answer)
        {
            return;
        }

        if (answer.Outcome == SwapOutcome.Refused)
        {
            _log.Error("{0}", answer.Text);
        }
        else
        {
            _log.Info("{0}", answer.Text);
        }

        if (answer.Outcome == SwapOutcome.Swapped)
        {
            foreach (var source in _gate.SourcesOf(checkpoint.ModelId).OfType<ModelLogitSource>())
            {
                var replicas = _runs.Values.SelectMany(r => r).Where(r => r.Source == source).ToList();
                if (replicas.Count == 0)
                {
                    source.Swap(checkpoint.Weights, checkpoint.Version); // no replica runs it now
                }

                replicas.ForEach(r => r.Actor.Tell(checkpoint));
            }
        }

        if (!Sender.IsNobody() && !Sender.Equals(Context.System.DeadLetters))
        {
            Sender.Tell(answer);
        }
    }

    private sealed record Replica(string TeacherId, ILogitSource Source, IActorRef Actor);

    // To itself only: the teachers' logit sources live in this process and are not meant for a serializer.
    private sealed record Prepared(RunAnnouncement Run, ServedRun Served) : INoSerializationVerificationNeeded;

    private sealed record PreparationFailed(RunAnnouncement Run, string Reason) : INoSerializationVerificationNeeded;
}

/// <summary>Asks a <see cref="TeacherHost"/> how many runs it serves.</summary>
public sealed record GetServedRuns
{
    /// <summary>The one instance.</summary>
    public static GetServedRuns Instance { get; } = new();
}

/// <summary>A <see cref="TeacherHost"/>'s answer: runs served now and their replicas.</summary>
public sealed record ServedRuns(int Runs, int Replicas);
