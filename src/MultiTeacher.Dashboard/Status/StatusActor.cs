using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using MultiTeacher.Distillation.Online;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Dashboard.Status;

/// <summary>
/// Watches the runs of its ActorSystem for a dashboard: subscribed to the pipeline's events on the EventStream (see
/// MultiTeacher.Distillation's PipelineEvents) and, on a cluster node, to Akka.Cluster's membership and reachability
/// events. It folds them into a <see cref="StatusModel"/> and, at most every <see cref="PublishInterval"/>, hands a
/// snapshot to the <see cref="StatusBoard"/> when something changed, so a run that trains thousands of shards a second
/// costs the page a few snapshots a second. It never sends anything to the pipeline: the dashboard is read-only.
/// </summary>
public sealed class StatusActor : ReceiveActor, IWithTimers
{
    /// <summary>How often a changed status reaches the board.</summary>
    public static readonly TimeSpan PublishInterval = TimeSpan.FromMilliseconds(200);

    private readonly StatusBoard _board;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<Address, MemberView> _members = [];
    private readonly bool _clustered;
    private StatusModel _model;
    private bool _membersChanged;

    /// <summary>Creates the watcher; see <see cref="Props"/>.</summary>
    public StatusActor(StatusBoard board)
    {
        _board = board;
        _model = NewModel();
        _clustered = Context.System is ExtendedActorSystem extended && extended.Provider is IClusterActorRefProvider;
        Receive<RunStarted>(e =>
        {
            if (_model.RunId is not null && _model.RunId != e.RunId)
            {
                Flush();
                _model = NewModel();
            }

            _model.Apply(e);
        });
        Receive<CoordinatorProgress>(e => _model.Apply(e));
        Receive<ReplicaShardServed>(e => _model.Apply(e));
        Receive<AggregatorProgress>(e => _model.Apply(e));
        Receive<StudentProgress>(e => _model.Apply(e));
        Receive<StudentEpochCompleted>(e => _model.Apply(e));
        Receive<HubProgress>(e => _model.Apply(e));
        Receive<PeerProgress>(e => _model.Apply(e));
        Receive<PeerEpochCompleted>(e => _model.Apply(e));
        Receive<RunCompleted>(e =>
        {
            _model.Completed(e.RunId);
            Flush();
        });
        Receive<RunFailed>(e =>
        {
            _model.Failed(e.RunId, e.Reason);
            Flush();
        });
        Receive<ClusterEvent.IMemberEvent>(e => Member(e.Member, reachable: null));
        Receive<ClusterEvent.UnreachableMember>(e => Member(e.Member, reachable: false));
        Receive<ClusterEvent.ReachableMember>(e => Member(e.Member, reachable: true));
        Receive<PublishTick>(_ => Flush());
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of the watcher that feeds <paramref name="board"/>. Local only: the board is this process's memory.</summary>
    public static Props Props(StatusBoard board) => Akka.Actor.Props.Create(() => new StatusActor(board)).WithDeploy(Deploy.Local);

    /// <summary>
    /// Starts a watcher in <paramref name="system"/> (a system actor named <paramref name="name"/>) and subscribes it to
    /// the pipeline's events before returning, so no event published after this call is missed.
    /// </summary>
    public static IActorRef Start(ActorSystem system, StatusBoard board, string name = "dashboard-status")
    {
        ArgumentNullException.ThrowIfNull(system);
        var watcher = ((ExtendedActorSystem)system).SystemActorOf(Props(board), name);
        foreach (var type in new[]
        {
            typeof(RunStarted), typeof(CoordinatorProgress), typeof(ReplicaShardServed), typeof(AggregatorProgress), typeof(StudentProgress),
            typeof(StudentEpochCompleted), typeof(HubProgress), typeof(PeerProgress), typeof(PeerEpochCompleted), typeof(RunCompleted), typeof(RunFailed),
        })
        {
            system.EventStream.Subscribe(watcher, type);
        }

        return watcher;
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        if (_clustered)
        {
            Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
                typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        }

        Timers.StartPeriodicTimer("publish", PublishTick.Instance, PublishInterval);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        if (_clustered)
        {
            Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
        }

        Flush();
    }

    private StatusModel NewModel() => new(() => _clock.Elapsed.TotalSeconds);

    /// <summary>A member's new status, or its reachability (null: as it was; a new member is reachable).</summary>
    private void Member(Member member, bool? reachable)
    {
        if (member.Status == MemberStatus.Removed)
        {
            _members.Remove(member.Address);
        }
        else
        {
            var isReachable = reachable ?? (!_members.TryGetValue(member.Address, out var known) || known.Reachable);
            _members[member.Address] = new MemberView(member.Address.ToString(), member.Roles.OrderBy(r => r, StringComparer.Ordinal).ToList(),
                member.Status.ToString(), isReachable);
        }

        _membersChanged = true;
    }

    private void Flush()
    {
        if (!_model.Dirty && !_membersChanged)
        {
            return;
        }

        _membersChanged = false;
        var cluster = _clustered
            ? new ClusterView("cluster", _members.Values.OrderBy(m => m.Address, StringComparer.Ordinal).ToList())
            : ClusterView.SingleProcess;
        _board.Publish(_model.Snapshot(cluster));
    }

    private sealed record PublishTick
    {
        public static PublishTick Instance { get; } = new();
    }
}
