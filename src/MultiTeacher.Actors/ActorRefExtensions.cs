using MultiTeacher.Actors.Dispatch;

namespace MultiTeacher.Actors;

/// <summary>Request/reply on top of <see cref="IActorRef.Tell"/>.</summary>
public static class ActorRefExtensions
{
    /// <summary>
    /// Sends <paramref name="message"/> with a temporary reference as the sender and waits for the first reply.
    /// </summary>
    /// <returns>The reply.</returns>
    /// <exception cref="AskTimeoutException">No reply within <paramref name="timeout"/> (measured by the system's
    /// <see cref="TimeProvider"/>); it names the target and the message type. A later reply is a dead letter.</exception>
    /// <exception cref="InvalidCastException">The reply is not a <typeparamref name="TReply"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>A <see cref="Status.Failure"/> reply faults the task with its cause.</remarks>
    public static Task<TReply> Ask<TReply>(this IActorRef target, object message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TReply>(cancellationToken);
        }
        var asker = new AskRef<TReply>(target, message.GetType(), timeout, cancellationToken);
        target.Tell(message, asker);
        return asker.Task;
    }

    /// <summary>
    /// Sends <see cref="PoisonPill"/> (the actor first handles what was sent before) and waits until it stopped.
    /// </summary>
    /// <returns>Whether it stopped within <paramref name="timeout"/> (measured by the system's <see cref="TimeProvider"/>).</returns>
    /// <exception cref="NotSupportedException">The actor is not in this process.</exception>
    public static async Task<bool> GracefulStopAsync(this IActorRef target, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(target);
        var local = target.System.ToLocal(target) ?? throw new NotSupportedException($"{target.Path} is not an actor of this process.");
        local.Tell(PoisonPill.Instance);
        try
        {
            await local.Cell.WhenTerminated.WaitAsync(timeout, target.System.TimeProvider).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
