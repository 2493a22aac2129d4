using Microsoft.Extensions.Logging;
using MultiTeacher.Actors.Dispatch;

namespace MultiTeacher.Actors;

/// <summary>
/// Where undeliverable messages go (<c>/deadLetters</c>): to stopped actors, full bounded mailboxes, unknown paths,
/// late ask replies. Each one is counted, logged with its sender, recipient and type (the first
/// <see cref="ActorSystemOptions.DeadLetterLogLimit"/> of them), and published as a <see cref="DeadLetter"/>.
/// </summary>
public sealed class DeadLetterRef : IActorRef
{
    private readonly ILogger _logger;
    private readonly int _logLimit;
    private long _count;

    internal DeadLetterRef(ActorSystem system)
    {
        System = system;
        _logger = system.LoggerFactory.CreateLogger("MultiTeacher.Actors.DeadLetters");
        _logLimit = system.Options.DeadLetterLogLimit;
    }

    /// <summary><c>/deadLetters</c>.</summary>
    public ActorPath Path { get; } = ActorPath.Root / "deadLetters";

    /// <inheritdoc/>
    public ActorSystem System { get; }

    /// <summary>How many dead letters there have been.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Records <paramref name="message"/> as a dead letter addressed to this reference.</summary>
    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        Publish(message, sender, this);
    }

    /// <inheritdoc/>
    public ValueTask TellAsync(object message, IActorRef? sender = null, CancellationToken cancellationToken = default)
    {
        Tell(message, sender);
        return default;
    }

    /// <inheritdoc/>
    public override string ToString() => Path.ToString();

    /// <summary>Counts, logs and publishes one undeliverable message.</summary>
    internal void Publish(object message, IActorRef? sender, IActorRef recipient)
    {
        if (message is Transport.InboundMessage inbound)
        {
            // The transport gets its message back to deliver again (to another consumer, or later).
            inbound.Delivery.Failed(new InvalidOperationException($"{recipient.Path} could not take the message: no such actor, stopped, or mailbox full."));
            message = inbound.Message;
        }
        var count = Interlocked.Increment(ref _count);
        if (count <= _logLimit && _logger.IsEnabled(LogLevel.Information))
        {
            ActorLog.DeadLetter(_logger, message.GetType().Name, sender?.Path.ToString() ?? "nobody", recipient.Path.ToString());
            if (count == _logLimit)
            {
                ActorLog.DeadLettersSuppressed(_logger, _logLimit);
            }
        }
        // A dead letter that was itself a DeadLetter event is not published again: no loops through dead subscribers.
        if (message is not DeadLetter)
        {
            System.EventStream.Publish(new DeadLetter(message, sender, recipient));
        }
    }
}
