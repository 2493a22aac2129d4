using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Cluster.Runs;

/// <summary>
/// The cluster's door to one run, on the coordinator's node. It announces the run on <see cref="Topic"/> every
/// <see cref="AnnounceEvery"/> until it stops (with the run); replicas on any node register through it, and it
/// passes each registration on to the coordinator (the sender kept); once every teacher id of the run has a replica
/// it tells the coordinator to begin, so that no shard deadline runs while teacher nodes are still loading. It
/// watches cluster reachability: when a node becomes unreachable, the coordinator hears at once that the replicas on
/// it are lost (<see cref="ReplicaUnreachable"/>; work does not wait for the node's removal), and when the node is
/// reachable again its replicas are registered again and take work.
/// </summary>
public sealed class RunRegistrar : ReceiveActor, IWithTimers
{
    /// <summary>The DistributedPubSub topic runs are announced on.</summary>
    public const string Topic = "multiteacher-runs";

    /// <summary>How often the run is announced.</summary>
    public static TimeSpan AnnounceEvery { get; } = TimeSpan.FromSeconds(1);

    private readonly RunAnnouncement _announcement;
    private readonly IActorRef _coordinator;
    private readonly IActorRef _mediator;
    private readonly Dictionary<IActorRef, RegisterReplica> _replicas = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _begun;

    /// <summary>Creates the registrar; see <see cref="Props"/>.</summary>
    public RunRegistrar(RunAnnouncementDraft draft, RunEndpoints endpoints, IActorRef mediator)
    {
        _coordinator = endpoints.Coordinator;
        _mediator = mediator;
        _announcement = draft.For(Self, endpoints.Aggregator);
        Receive<Announce>(_ => _mediator.Tell(new Publish(Topic, _announcement)));
        Receive<RegisterReplica>(Register);
        Receive<TeacherRefused>(r => _log.Error("{0}", r.Reason));
        Receive<Terminated>(t => _replicas.Remove(t.ActorRef));
        Receive<ClusterEvent.UnreachableMember>(u => OnNode(u.Member.Address, reachable: false));
        Receive<ClusterEvent.ReachableMember>(r => OnNode(r.Member.Address, reachable: true));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// Props of the registrar of a run whose actors are <paramref name="endpoints"/>, announced as
    /// <paramref name="draft"/> says on the DistributedPubSub <paramref name="mediator"/>.
    /// </summary>
    public static Props Props(RunAnnouncementDraft draft, RunEndpoints endpoints, IActorRef mediator) =>
        Akka.Actor.Props.Create(() => new RunRegistrar(draft, endpoints, mediator));

    /// <inheritdoc />
    protected override void PreStart()
    {
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IReachabilityEvent));
        Self.Tell(Announce.Instance);
        Timers.StartPeriodicTimer("announce", Announce.Instance, AnnounceEvery);
    }

    /// <inheritdoc />
    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);

    private void Register(RegisterReplica register)
    {
        if (_replicas.TryAdd(register.Replica, register))
        {
            Context.Watch(register.Replica);
            _log.Info("{0}", $"run {_announcement.RunId}: replica of teacher '{register.TeacherId}' at {register.Replica.Path} registered");
        }

        _coordinator.Forward(register);
        var served = _replicas.Values.Select(r => r.TeacherId).ToHashSet(StringComparer.Ordinal);
        if (!_begun && _announcement.Teachers.All(t => served.Contains(t.Id)))
        {
            _begun = true;
            _log.Info("{0}", $"run {_announcement.RunId}: every teacher has a replica; the run begins");
            _coordinator.Tell(new BeginRun(_announcement.Aggregator));
        }
    }

    private void OnNode(Address address, bool reachable)
    {
        var onNode = _replicas.Values.Where(r => r.Replica.Path.Address == address).ToList();
        if (onNode.Count == 0)
        {
            return;
        }

        _log.Warning("{0}", $"run {_announcement.RunId}: node {address} is {(reachable ? "reachable again" : "unreachable")}: " +
            $"{onNode.Count} replica(s) {(reachable ? "registered again" : "lost, their shards go to other replicas")}");
        foreach (var register in onNode)
        {
            _coordinator.Tell(reachable ? register : new ReplicaUnreachable(register.Replica));
        }
    }

    private sealed record Announce
    {
        public static Announce Instance { get; } = new();
    }
}
