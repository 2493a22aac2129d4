namespace MultiTeacher.Actors;

/// <summary>Stops the actor that receives it once the messages sent before it are handled.</summary>
public sealed class PoisonPill
{
    private PoisonPill()
    {
    }

    /// <summary>The one instance.</summary>
    public static PoisonPill Instance { get; } = new();

    /// <inheritdoc/>
    public override string ToString() => nameof(PoisonPill);
}

/// <summary>Makes the actor that receives it fail with <see cref="ActorKilledException"/> (its supervisor stops it by default).</summary>
public sealed class Kill
{
    private Kill()
    {
    }

    /// <summary>The one instance.</summary>
    public static Kill Instance { get; } = new();

    /// <inheritdoc/>
    public override string ToString() => nameof(Kill);
}

/// <summary>Tells a watcher that an actor it watches has stopped; delivered once per watch.</summary>
/// <param name="ActorRef">The stopped actor, as the watcher passed it to <c>Watch</c>.</param>
public sealed record Terminated(IActorRef ActorRef);

/// <summary>A message that could not be delivered; published on the <see cref="EventStream"/>.</summary>
/// <param name="Message">The message.</param>
/// <param name="Sender">Its sender, if any.</param>
/// <param name="Recipient">The actor it was meant for.</param>
public sealed record DeadLetter(object Message, IActorRef? Sender, IActorRef Recipient);

/// <summary>A message no handler of its recipient accepted; published on the <see cref="EventStream"/>.</summary>
/// <param name="Message">The message.</param>
/// <param name="Sender">Its sender, if any.</param>
/// <param name="Recipient">The actor that did not handle it.</param>
public sealed record UnhandledMessage(object Message, IActorRef? Sender, IActorRef Recipient);

/// <summary>Replies that say how an operation ended; an <c>Ask</c> turns <see cref="Failure"/> into a faulted task.</summary>
public static class Status
{
    /// <summary>The operation succeeded.</summary>
    /// <param name="Value">Its result, if any.</param>
    public sealed record Success(object? Value);

    /// <summary>The operation failed.</summary>
    /// <param name="Cause">Why; an <c>Ask</c> waiting for the reply fails with it.</param>
    public sealed record Failure(Exception Cause);
}
