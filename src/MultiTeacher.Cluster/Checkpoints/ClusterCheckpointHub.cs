using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using MultiTeacher.Distillation.Online;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Cluster.Checkpoints;

/// <summary>
/// The checkpoint hub of one member of a peer group on a cluster: local actors use it as they use a
/// <see cref="CheckpointHub"/> (<see cref="SubscribeCheckpoints"/>, <see cref="UnsubscribeCheckpoints"/>,
/// <see cref="Checkpoint"/>, <see cref="GetStats"/> answered with <see cref="RelayStats"/>), and checkpoints travel
/// between nodes on the DistributedPubSub topic of the group (<see cref="TopicOf"/>). The rules are the local ones of
/// <see cref="CheckpointRelay"/>, a child of this actor: the member's own model id is published when its version is
/// newer than the last published; other members' checkpoints are kept newest-version-per-model-id (older and equal
/// ones dropped) and handed to local subscribers; a member that joins asks the others to publish their newest again.
/// Asked <see cref="AwaitGroup"/>, the hub answers <see cref="GroupAssembled"/> once the topic carries messages both ways
/// between it and every other member (a handshake of <see cref="MemberHello"/>s): peers that start training only then
/// lose no checkpoint, and a lockstep group is as reproducible as in one process.
/// </summary>
/// <remarks>
/// Subscriptions spread between the nodes' mediators by gossip (<c>akka.cluster.pub-sub.gossip-interval</c>, 1 s), so
/// the first ask for the others' checkpoints can reach a node that does not know this member's subscription yet, and
/// that node's answer would miss it. The hub therefore asks again after each of <see cref="AskAgainAfter"/>; members
/// drop the copies they hold already as equal versions.
/// </remarks>
public sealed class ClusterCheckpointHub : ReceiveActor, IWithTimers
{
    /// <summary>When, after the subscription is in place, the hub asks the group again for their newest checkpoints.</summary>
    public static IReadOnlyList<TimeSpan> AskAgainAfter { get; } = [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(6)];

    /// <summary>How often a hub waiting for its group publishes its <see cref="MemberHello"/>.</summary>
    public static TimeSpan HelloInterval { get; } = TimeSpan.FromMilliseconds(250);

    private readonly string _memberId;
    private readonly IActorRef _relay;
    private readonly IActorRef _publisher;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<string> _heard = [];
    private readonly HashSet<string> _heardBy = [];
    private readonly HashSet<string> _othersReady = [];
    private IReadOnlyList<string>? _members;
    private IActorRef? _awaiting;
    private bool _ready;

    /// <summary>Creates the hub; see <see cref="Props"/>.</summary>
    public ClusterCheckpointHub(string memberId, string group, IActorRef mediator)
    {
        ArgumentException.ThrowIfNullOrEmpty(memberId);
        ArgumentException.ThrowIfNullOrEmpty(group);
        _memberId = memberId;
        string topic = TopicOf(group);
        _publisher = Context.ActorOf(TopicPublisher.Props(topic, mediator), "publisher");
        _relay = Context.ActorOf(CheckpointRelay.Props(memberId, _publisher), "relay");

        // The hub is the topic's subscriber: the handshake stays here, everything else goes on to the relay.
        mediator.Tell(new Subscribe(topic, Self), Self);

        Receive<SubscribeAck>(_ =>
        {
            _log.Info("{0}", $"{memberId}: subscribed to {topic}");
            _relay.Tell(RelayConnected.Instance);
            for (int i = 0; i < AskAgainAfter.Count; i++)
            {
                Timers.StartSingleTimer($"ask-again-{i}", AskAgain.Instance, AskAgainAfter[i]);
            }
        });
        Receive<AskAgain>(_ => _relay.Tell(RelayConnected.Instance));
        Receive<AwaitGroup>(Await);
        Receive<MemberHello>(Heard);
        Receive<SayHello>(_ => Hello());
        ReceiveAny(message => _relay.Forward(message));
    }

    /// <inheritdoc/>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The DistributedPubSub topic of a peer group's checkpoints.</summary>
    public static string TopicOf(string group) => "checkpoints-" + group;

    /// <summary>
    /// Props of the hub of member <paramref name="memberId"/> (the model id it publishes under) in peer group
    /// <paramref name="group"/>, on the cluster's DistributedPubSub <paramref name="mediator"/>
    /// (<c>DistributedPubSub.Get(system).Mediator</c>).
    /// </summary>
    public static Props Props(string memberId, string group, IActorRef mediator) =>
        Akka.Actor.Props.Create(() => new ClusterCheckpointHub(memberId, group, mediator));

    private void Await(AwaitGroup await)
    {
        if (!await.MemberIds.Contains(_memberId))
        {
            throw new ArgumentException($"member {_memberId} awaits a group without it: {string.Join(", ", await.MemberIds)}");
        }

        (_members, _awaiting) = (await.MemberIds, Sender);
        Timers.StartPeriodicTimer("hello", SayHello.Instance, TimeSpan.Zero, HelloInterval);
        CheckAssembled();
    }

    private void Heard(MemberHello hello)
    {
        if (hello.MemberId == _memberId)
        {
            return;
        }

        _heard.Add(hello.MemberId);
        if (hello.Heard.Contains(_memberId))
        {
            _heardBy.Add(hello.MemberId);
        }

        if (hello.Ready)
        {
            _othersReady.Add(hello.MemberId);
        }

        CheckAssembled();
    }

    private void CheckAssembled()
    {
        if (_members is not { } members)
        {
            return;
        }

        var others = members.Where(m => m != _memberId).ToList();
        if (!_ready && others.All(_heardBy.Contains))
        {
            _ready = true;
            _log.Info("{0}", $"{_memberId}: the group {string.Join(", ", members)} hears each other on the topic");
            _awaiting?.Tell(new GroupAssembled(members));
            Hello(); // say so at once: a member that is ready may stop listening for hellos as soon as every other one is
        }

        if (_ready && others.All(_othersReady.Contains))
        {
            Timers.Cancel("hello");
        }
    }

    private void Hello() => _publisher.Tell(new MemberHello(_memberId, _heard.ToList(), _ready));

    private sealed record SayHello
    {
        public static SayHello Instance { get; } = new();
    }

    private sealed record AskAgain
    {
        public static AskAgain Instance { get; } = new();
    }
}
