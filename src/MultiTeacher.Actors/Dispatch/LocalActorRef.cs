namespace MultiTeacher.Actors.Dispatch;

/// <summary>The reference to an actor of this process; one per actor, compared by identity.</summary>
internal sealed class LocalActorRef : IActorRef
{
    private readonly Mailbox _mailbox;

    public LocalActorRef(ActorCell cell, ActorPath path)
    {
        Cell = cell;
        Path = path;
        _mailbox = cell.Mailbox;
    }

    public ActorCell Cell { get; }

    public ActorPath Path { get; }

    public ActorSystem System => Cell.System;

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        _mailbox.Post(new Envelope(message, sender));
    }

    public ValueTask TellAsync(object message, IActorRef? sender = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _mailbox.PostAsync(new Envelope(message, sender), cancellationToken);
    }

    public override string ToString() => Path.ToString();
}
