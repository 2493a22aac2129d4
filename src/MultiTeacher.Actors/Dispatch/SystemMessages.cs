namespace MultiTeacher.Actors.Dispatch;

/// <summary>A message between actor cells about lifecycle and supervision; handled before any user message.</summary>
internal abstract class SystemMessage
{
    public static SystemMessage Create { get; } = new CreateMessage();

    public static SystemMessage Terminate { get; } = new TerminateMessage();

    public static SystemMessage Resume { get; } = new ResumeMessage();
}

/// <summary>Make the first instance and run <c>PreStart</c>.</summary>
internal sealed class CreateMessage : SystemMessage;

/// <summary>Stop: children first, then <c>PostStop</c>.</summary>
internal sealed class TerminateMessage : SystemMessage;

/// <summary>Continue after a failure with the same instance.</summary>
internal sealed class ResumeMessage : SystemMessage;

/// <summary>Replace the failed instance with a fresh one.</summary>
internal sealed class RecreateMessage(Exception cause) : SystemMessage
{
    public Exception Cause { get; } = cause;
}

/// <summary>To a parent: its child failed and waits for the supervisor's decision.</summary>
internal sealed class FailedMessage(LocalActorRef child, Exception cause) : SystemMessage
{
    public LocalActorRef Child { get; } = child;

    public Exception Cause { get; } = cause;
}

/// <summary>To watchers and to the parent: <see cref="Actor"/> has stopped.</summary>
internal sealed class DeathWatchNotification(IActorRef actor) : SystemMessage
{
    public IActorRef Actor { get; } = actor;
}
