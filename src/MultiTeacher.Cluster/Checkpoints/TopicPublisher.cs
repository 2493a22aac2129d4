using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace MultiTeacher.Cluster.Checkpoints;

/// <summary>
/// A reference whose <c>Tell</c> reaches every subscriber of a DistributedPubSub topic in the cluster: each message it
/// receives is published on <c>topic</c> through the node's mediator. It is the broadcast a
/// <see cref="MultiTeacher.Distillation.Online.CheckpointRelay"/> publishes on, which knows no Akka.Cluster.
/// </summary>
public sealed class TopicPublisher : ReceiveActor
{
    /// <summary>Creates the publisher; see <see cref="Props"/>.</summary>
    public TopicPublisher(string topic, IActorRef mediator)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ReceiveAny(message => mediator.Tell(new Publish(topic, message), Sender));
    }

    /// <summary>Props of a publisher on <paramref name="topic"/> through <paramref name="mediator"/> (DistributedPubSub's).</summary>
    public static Props Props(string topic, IActorRef mediator) => Akka.Actor.Props.Create(() => new TopicPublisher(topic, mediator));
}
