using MultiTeacher.Actors;

namespace MultiTeacher.Cluster;

/// <summary>
/// A reference whose <see cref="Tell"/> publishes to a broker destination (a work queue or a broadcast exchange)
/// rather than to one actor. Its path, <c>/rabbitmq/work/NAME</c> or <c>/rabbitmq/broadcast/NAME</c>, only names it.
/// </summary>
internal sealed class WireRef(RabbitMqTransport transport, ActorSystem system, string kind, string name, string exchange, string routingKey, bool persistent)
    : IActorRef
{
    public ActorPath Path { get; } = ActorPath.Root / "rabbitmq" / kind / name;

    public ActorSystem System { get; } = system;

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var senderAddress = sender is null || sender.Equals(System.DeadLetters) ? null : System.AddressOf(sender);
        if (!transport.Publish(exchange, routingKey, $"{kind}:{name}", message, senderAddress, persistent))
        {
            System.DeadLetters.Tell(message, sender);
        }
    }

    public ValueTask TellAsync(object message, IActorRef? sender = null, CancellationToken cancellationToken = default)
    {
        Tell(message, sender);
        return default;
    }

    public override bool Equals(object? obj) => obj is WireRef other && other.System == System && other.Path.Equals(Path);

    public override int GetHashCode() => Path.GetHashCode();

    public override string ToString() => Path.ToString();
}
