using MultiTeacher.Actors.Dispatch;

namespace MultiTeacher.Actors;

/// <summary>
/// The common part of every actor: its context and lifecycle hooks. Derive from <see cref="ReceiveActor"/>.
/// An instance is made by its <see cref="Props"/> inside <c>ActorOf</c>, never with <c>new</c> elsewhere.
/// </summary>
public abstract class ActorBase
{
    private readonly ActorCell _cell;

    private protected ActorBase()
    {
        _cell = ActorCell.Constructing
            ?? throw new InvalidOperationException($"{GetType().Name} must be created by ActorOf from its Props, not with new.");
    }

    /// <summary>What this actor can do besides handling its message.</summary>
    protected IActorContext Context => _cell;

    /// <summary>This actor's own reference.</summary>
    protected IActorRef Self => _cell.Self;

    /// <summary>The sender of the message being handled; <see cref="ActorSystem.DeadLetters"/> when there is none.</summary>
    protected IActorRef Sender => _cell.Sender;

    internal ActorCell Cell => _cell;

    /// <summary>Runs before the first message, on the actor's turn; a throw stops the actor by default.</summary>
    protected internal virtual void PreStart()
    {
    }

    /// <summary>Runs once after the actor stopped handling messages and its children stopped.</summary>
    protected internal virtual void PostStop()
    {
    }

    /// <summary>
    /// Runs on the failed instance before it is replaced. By default stops all children and calls
    /// <see cref="PostStop"/>.
    /// </summary>
    /// <param name="reason">The exception that caused the restart.</param>
    /// <param name="message">The message being handled when it failed, if any; it is not retried.</param>
    protected internal virtual void PreRestart(Exception reason, object? message)
    {
        foreach (var child in Context.Children)
        {
            Context.Stop(child);
        }
        PostStop();
    }

    /// <summary>Runs on the fresh instance after a restart. By default calls <see cref="PreStart"/>.</summary>
    /// <param name="reason">The exception that caused the restart.</param>
    protected internal virtual void PostRestart(Exception reason) => PreStart();

    /// <summary>
    /// Called for a message no handler accepted. By default an unhandled <see cref="Terminated"/> fails the actor
    /// with <see cref="DeathPactException"/>; anything else is published as <see cref="UnhandledMessage"/>.
    /// </summary>
    protected virtual void Unhandled(object message)
    {
        if (message is Terminated terminated)
        {
            throw new DeathPactException(terminated.ActorRef);
        }
        _cell.PublishUnhandled(message);
    }

    /// <summary>Handles one message; returns <c>null</c> when done, or the task of an asynchronous handler.</summary>
    internal abstract Task? Dispatch(object message);

    /// <summary>Called once the constructor has returned.</summary>
    internal virtual void OnConstructed()
    {
    }

    private protected void CallUnhandled(object message) => Unhandled(message);
}
