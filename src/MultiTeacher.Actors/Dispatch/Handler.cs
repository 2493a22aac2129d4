namespace MultiTeacher.Actors.Dispatch;

/// <summary>One registered message handler of a <see cref="ReceiveActor"/>.</summary>
internal abstract class Handler
{
    /// <summary>Returned by <see cref="TryHandle"/> when the message is not for this handler (never awaited).</summary>
    public static Task NotHandled { get; } = new(static () => { });

    /// <summary>
    /// Handles <paramref name="message"/> if it matches: returns <c>null</c> when handled synchronously, the task of
    /// an asynchronous handler, or <see cref="NotHandled"/>.
    /// </summary>
    public abstract Task? TryHandle(object message);
}
