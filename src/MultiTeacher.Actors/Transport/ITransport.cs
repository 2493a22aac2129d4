namespace MultiTeacher.Actors.Transport;

/// <summary>
/// Carries messages between actor systems (other processes or machines). A system created with a transport in its
/// <see cref="ActorSystemOptions"/> connects itself; <see cref="RemoteActorRef"/> sends through it; on arrival the
/// transport calls <see cref="ActorSystem.DeliverInbound(ActorAddress, object, ActorAddress?)"/> (or, to learn when the handler finished, <see cref="ActorSystem.DeliverInbound(IActorRef, object, IActorRef?, IInboundDelivery)"/>) of the recipient's system. Implementations:
/// <see cref="InProcessTransport"/> here, RabbitMQ in the cluster project.
/// </summary>
public interface ITransport
{
    /// <summary>Starts delivering messages addressed to <paramref name="system"/> (by name and node) to it.</summary>
    /// <returns>A handle that disconnects the system when disposed.</returns>
    IDisposable Connect(ActorSystem system);

    /// <summary>
    /// Accepts a message for delivery to <paramref name="recipient"/>, without waiting for it to arrive. Delivery is
    /// at most once per call unless the implementation says otherwise (RabbitMQ: at least once).
    /// </summary>
    /// <param name="recipient">The actor's full address.</param>
    /// <param name="message">The message; serialized by the transport if it leaves the process.</param>
    /// <param name="sender">The sender's full address, or <c>null</c>.</param>
    /// <returns>False when the transport cannot take it (unknown system, closed connection); the caller dead-letters it.</returns>
    bool Send(ActorAddress recipient, object message, ActorAddress? sender);
}
