namespace MultiTeacher.Actors.Transport;

/// <summary>
/// A transport's handle on one message it hands to a local actor with
/// <see cref="ActorSystem.DeliverInbound(IActorRef, object, IActorRef?, IInboundDelivery)"/>: the kernel calls exactly
/// one of the methods, once, when the message's fate is known. A broker transport acknowledges on
/// <see cref="Handled"/>, redelivers on <see cref="Failed"/> and dead-letters on <see cref="Rejected"/>.
/// Calls come from any thread and must not block.
/// </summary>
public interface IInboundDelivery
{
    /// <summary>
    /// The handler returned (or its task completed), every piece of work attached to its
    /// <see cref="DeliveryContext"/> completed successfully, and the actor did not defer the message, or completed
    /// the <see cref="DeferredDelivery"/> it took.
    /// </summary>
    void Handled();

    /// <summary>
    /// The handler threw, attached work failed, or the recipient could not take the message (stopped, mailbox
    /// full): the message should be delivered again.
    /// </summary>
    void Failed(Exception error);

    /// <summary>The actor refused the message for good with <see cref="DeferredDelivery.Reject"/>.</summary>
    void Rejected(string reason);
}
