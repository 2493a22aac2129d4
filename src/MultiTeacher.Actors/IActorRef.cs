namespace MultiTeacher.Actors;

/// <summary>
/// A handle to an actor, the only way to talk to it. A reference stays valid across restarts of the actor; after
/// the actor stops, messages sent to it go to <see cref="ActorSystem.DeadLetters"/>. A reference may point to an
/// actor in this process (delivery without serialization) or to one behind an <see cref="Transport.ITransport"/>.
/// </summary>
public interface IActorRef
{
    /// <summary>Where the actor lives in its system, such as <c>/user/teachers/cnn-a</c>.</summary>
    ActorPath Path { get; }

    /// <summary>The system this reference belongs to; for a remote reference, the local system that resolved it.</summary>
    ActorSystem System { get; }

    /// <summary>
    /// Sends <paramref name="message"/> without waiting. Messages from one sender arrive in the order sent. If the
    /// recipient is stopped, or its bounded mailbox is full, the message becomes a dead letter.
    /// </summary>
    /// <param name="message">The message; an immutable object (a <c>sealed record</c> by convention).</param>
    /// <param name="sender">Who the recipient sees as <c>Sender</c> and replies to; <c>null</c> for nobody.</param>
    void Tell(object message, IActorRef? sender = null);

    /// <summary>
    /// Sends <paramref name="message"/>, waiting for room when the recipient's mailbox is bounded with
    /// <see cref="MailboxOverflow.BackPressure"/>; otherwise the same as <see cref="Tell"/>.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="sender">Who the recipient sees as <c>Sender</c>; <c>null</c> for nobody.</param>
    /// <param name="cancellationToken">Gives up waiting for room; the message is then not sent.</param>
    ValueTask TellAsync(object message, IActorRef? sender = null, CancellationToken cancellationToken = default);
}
