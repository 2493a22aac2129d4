namespace MultiTeacher.Actors.Transport;

/// <summary>
/// A reference to an actor of another system: <see cref="Tell"/> hands the message to the transport with both
/// addresses. Obtain one with <see cref="ActorSystem.Resolve(ActorAddress)"/>. Compared by address.
/// </summary>
public sealed class RemoteActorRef : IActorRef, IEquatable<RemoteActorRef>
{
    private readonly ITransport _transport;

    /// <summary>Creates a reference to <paramref name="address"/> owned by the local <paramref name="system"/>.</summary>
    public RemoteActorRef(ActorSystem system, ActorAddress address, ITransport transport)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(transport);
        System = system;
        Address = address;
        _transport = transport;
    }

    /// <summary>The remote actor's full address.</summary>
    public ActorAddress Address { get; }

    /// <inheritdoc/>
    public ActorPath Path => Address.Path;

    /// <summary>The local system that resolved this reference.</summary>
    public ActorSystem System { get; }

    /// <summary>Hands the message to the transport; a message the transport refuses is a local dead letter.</summary>
    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_transport.Send(Address, message, sender is null ? null : System.AddressOf(sender)))
        {
            System.DeadLetters.Publish(message, sender, this);
        }
    }

    /// <summary>The same as <see cref="Tell"/>: back-pressure across nodes is the transport's business.</summary>
    public ValueTask TellAsync(object message, IActorRef? sender = null, CancellationToken cancellationToken = default)
    {
        Tell(message, sender);
        return default;
    }

    /// <inheritdoc/>
    public bool Equals(RemoteActorRef? other) => other is not null && Address.Equals(other.Address);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as RemoteActorRef);

    /// <inheritdoc/>
    public override int GetHashCode() => Address.GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => Address.ToString();
}
