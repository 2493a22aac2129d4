using Microsoft.Extensions.Logging;
using MultiTeacher.Actors.Timers;
using MultiTeacher.Actors.Transport;

namespace MultiTeacher.Actors.Dispatch;

/// <summary>
/// The runtime half of an actor: the current instance, its children, watchers and timers, driven by its
/// <see cref="Mailbox"/>. Everything here runs on the actor's turn, one call at a time, except the members marked
/// thread-safe (posting, child lookup and creation, watcher registration), which take <see cref="_gate"/>.
/// </summary>
internal sealed partial class ActorCell : IActorContext
{
    [ThreadStatic]
    private static ActorCell? s_constructing;

    private readonly Props _props;
    private readonly ActorCell? _parent;
    private readonly Lock _gate = new();
    private ActorBase? _actor;
    private object? _currentMessage;
    private IActorRef? _currentSender;
    private TimerScheduler? _timers;
    private DeliveryContext? _currentDelivery;
    private DeliveryContext? _awaitedDelivery;
    private Exception? _lastInvokeError;
    private ILogger? _log;

    public ActorCell(ActorSystem system, Props props, ActorCell? parent, ActorPath path)
    {
        System = system;
        _props = props;
        _parent = parent;
        Mailbox = new Mailbox(this, props.Mailbox, system.Options.Throughput);
        Self = new LocalActorRef(this, path);
    }

    /// <summary>The cell whose actor is being constructed on this thread, read by the <see cref="ActorBase"/> constructor.</summary>
    public static ActorCell? Constructing => s_constructing;

    public ActorSystem System { get; }

    public Mailbox Mailbox { get; }

    public LocalActorRef Self { get; }

    IActorRef IActorContext.Self => Self;

    public IActorRef Sender => _currentSender ?? System.DeadLetters;

    public IActorRef Parent => _parent is null ? Self : _parent.Self;

    public ITimerScheduler Timers => _timers ??= new TimerScheduler(this);

    public ILogger Log => _log ??= System.LoggerFactory.CreateLogger(_props.ActorType);

    /// <summary>Whether the mailbox may hand over a user message: started, not failed, not restarting or stopping.</summary>
    public bool AcceptsUserMessages => _actor is not null && !_suspended && !_stopping;

    /// <summary>Completes when the actor has stopped (after its <c>PostStop</c> and its watchers were notified).</summary>
    public Task WhenTerminated => _whenTerminated.Task;

    public IActorRef ActorOf(Props props, string? name = null) => CreateChild(props, name);

    public void Stop(IActorRef actor)
    {
        var target = System.ToLocal(actor)
            ?? throw new NotSupportedException($"{actor.Path} is not an actor of this process; send it a PoisonPill instead.");
        if (target.Cell._parent == this)
        {
            MarkStopping(target);
        }
        target.Cell.Mailbox.PostSystem(SystemMessage.Terminate);
    }

    public void Forward(IActorRef target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (_currentMessage is { } message)
        {
            target.Tell(message, _currentSender);
        }
    }

    public DeferredDelivery DeferDelivery() => _currentDelivery?.Defer() ?? DeferredDelivery.None;

    /// <summary>Handles one user message; returns the task of an asynchronous handler that has not completed yet.</summary>
    public Task? Invoke(Envelope envelope)
    {
        var message = envelope.Message;
        _lastInvokeError = null;
        DeliveryContext? delivery = null;
        if (message is InboundMessage inbound)
        {
            message = inbound.Message;
            delivery = new DeliveryContext(inbound.Delivery);
        }
        else if (System.Options.Transport is not null)
        {
            delivery = new DeliveryContext(null);
        }
        if (delivery is null)
        {
            return InvokeCore(message, envelope.Sender);
        }
        // The ambient context flows into the handler's awaits; it is reset on this thread when the handler returns.
        var previous = DeliveryContext.Enter(delivery);
        _currentDelivery = delivery;
        try
        {
            var pending = InvokeCore(message, envelope.Sender);
            if (pending is null)
            {
                delivery.HandlerReturned(_lastInvokeError);
            }
            else
            {
                _awaitedDelivery = delivery;
            }
            return pending;
        }
        finally
        {
            _currentDelivery = null;
            DeliveryContext.Exit(previous);
        }
    }

    private Task? InvokeCore(object message, IActorRef? sender)
    {
        _currentSender = sender;
        _currentMessage = message;
        try
        {
            if (message is TimerMessage timer)
            {
                if (_timers is null || !_timers.TryAccept(timer))
                {
                    return null;
                }
                message = _currentMessage = timer.Message;
            }
            else if (message is TerminatedSignal signal)
            {
                if (_watching is null || !_watching.Remove(signal.Watchee, out var subject))
                {
                    return null;
                }
                message = _currentMessage = new Terminated(subject);
                _currentSender = subject;
            }
            else if (ReferenceEquals(message, PoisonPill.Instance))
            {
                Mailbox.PostSystem(SystemMessage.Terminate);
                return null;
            }
            else if (ReferenceEquals(message, Kill.Instance))
            {
                throw new ActorKilledException(Self);
            }
            var pending = _actor!.Dispatch(message);
            if (pending is null || !pending.IsCompleted)
            {
                return pending;
            }
            EndAwait(pending);
        }
        catch (Exception exception)
        {
            _lastInvokeError = exception;
            Fail(exception);
        }
        return null;
    }

    /// <summary>Observes the outcome of an asynchronous handler: a fault fails the actor.</summary>
    public void EndAwait(Task task)
    {
        Exception? error = null;
        if (task.IsFaulted)
        {
            error = task.Exception.InnerExceptions.Count == 1 ? task.Exception.InnerException! : task.Exception;
        }
        else if (task.IsCanceled)
        {
            error = new TaskCanceledException(task);
        }
        var delivery = _awaitedDelivery;
        _awaitedDelivery = null;
        delivery?.HandlerReturned(error);
        _lastInvokeError = error;
        if (error is not null)
        {
            Fail(error);
        }
    }

    public void SystemInvoke(SystemMessage message)
    {
        if (_terminated)
        {
            return;
        }
        try
        {
            switch (message)
            {
                case CreateMessage:
                    Create();
                    break;
                case TerminateMessage:
                    BeginStop();
                    break;
                case ResumeMessage:
                    Resume();
                    break;
                case RecreateMessage recreate:
                    Recreate(recreate.Cause);
                    break;
                case FailedMessage failed:
                    HandleFailed(failed);
                    break;
                case DeathWatchNotification notification:
                    HandleDeathWatchNotification(notification.Actor);
                    break;
            }
        }
        catch (Exception exception)
        {
            ActorLog.InternalError(System.Logger, exception, Self.Path, message.GetType().Name);
        }
    }

    /// <summary>Publishes an <see cref="UnhandledMessage"/> for the message being handled.</summary>
    public void PublishUnhandled(object message)
    {
        ActorLog.Unhandled(System.Logger, Self.Path, message.GetType().Name, _currentSender?.Path);
        System.EventStream.Publish(new UnhandledMessage(message, _currentSender, Self));
    }

    private ActorBase NewActor()
    {
        var previous = s_constructing;
        s_constructing = this;
        ActorBase actor;
        try
        {
            actor = _props.Factory();
        }
        finally
        {
            s_constructing = previous;
        }
        if (actor is null || actor.Cell != this)
        {
            throw new InvalidOperationException($"The factory of {_props.ActorType.Name} must return a new instance on each call.");
        }
        actor.OnConstructed();
        return actor;
    }

    private void RunHook(Action hook, string name)
    {
        try
        {
            hook();
        }
        catch (Exception exception)
        {
            ActorLog.HookFailed(System.Logger, exception, Self.Path, name);
        }
    }
}
