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

    private readonly IActorRef _relay;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>Creates the hub; see <see cref="Props"/>.</summary>
    public ClusterCheckpointHub(string memberId, string group, IActorRef mediator)
    {
        ArgumentException.ThrowIfNullOrEmpty(memberId);
        ArgumentException.ThrowIfNullOrEmpty(group);
        string topic = TopicOf(group);
        var publisher = Context.ActorOf(TopicPublisher.Props(topic, mediator), "publisher");
        _relay = Context.ActorOf(CheckpointRelay.Props(memberId, publisher), "relay");
        mediator.Tell(new Subscribe(topic, _relay), Self);

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

    private sealed record AskAgain
    {
        public static AskAgain Instance { get; } = new();
    }
}
