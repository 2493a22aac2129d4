namespace MultiTeacher.Actors.Transport;

/// <summary>A message from a transport on its way through a mailbox; the cell unwraps it before the handler sees it.</summary>
internal sealed class InboundMessage(object message, IInboundDelivery delivery)
{
    public object Message { get; } = message;

    public IInboundDelivery Delivery { get; } = delivery;
}
