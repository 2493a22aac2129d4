namespace MultiTeacher.Actors.Dispatch;

/// <summary>A user message and its sender as queued in a mailbox; a struct, so a <c>Tell</c> allocates nothing itself.</summary>
internal readonly struct Envelope(object message, IActorRef? sender)
{
    public object Message { get; } = message;

    public IActorRef? Sender { get; } = sender;
}
