namespace MultiTeacher.Actors.Dispatch;

/// <summary>Start, stop (children first) and restart (fresh instance, same mailbox).</summary>
internal sealed partial class ActorCell
{
    private readonly TaskCompletionSource _whenTerminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _suspended;
    private bool _stopping;
    private bool _terminated;
    private Exception? _restartCause;
    private Exception? _failure;
    private object? _failedMessage;
    private LocalActorRef? _escalatedFrom;

    private void Create()
    {
        _currentMessage = null;
        try
        {
            _actor = NewActor();
            _actor.PreStart();
        }
        catch (Exception exception)
        {
            Fail(new ActorInitializationException(Self, $"{_props.ActorType.Name} at {Self.Path} failed to start.", exception));
        }
    }

    /// <summary>Stops the children, then finishes in <see cref="FinishStop"/> once the last one reported its death.</summary>
    private void BeginStop()
    {
        LocalActorRef[] children;
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }
            _stopping = true;
            children = new LocalActorRef[_children.Count];
            var i = 0;
            foreach (var entry in _children.Values)
            {
                entry.Stopping = true;
                children[i++] = entry.Actor;
            }
        }
        foreach (var child in children)
        {
            child.Cell.Mailbox.PostSystem(SystemMessage.Terminate);
        }
        if (children.Length == 0)
        {
            FinishStop();
        }
    }

    private void FinishStop()
    {
        _timers?.CancelAll();
        var actor = _actor;
        _actor = null;
        _restartCause = null;
        if (actor is not null)
        {
            RunHook(actor.PostStop, nameof(ActorBase.PostStop));
        }
        Mailbox.CloseAndDrain();
        UnwatchAll();
        NotifyWatchers();
        System.EventStream.UnsubscribeStopped(Self);
        _parent?.Mailbox.PostSystem(new DeathWatchNotification(Self));
        _currentMessage = null;
        _currentSender = null;
        _whenTerminated.TrySetResult();
    }

    private void Resume()
    {
        if (!_suspended)
        {
            return;
        }
        if (_actor is null)
        {
            // A failed start cannot be resumed: there is no instance to continue with.
            Recreate(_failure!);
            return;
        }
        _suspended = false;
        _failure = null;
        if (_escalatedFrom is { } child)
        {
            _escalatedFrom = null;
            child.Cell.Mailbox.PostSystem(SystemMessage.Resume);
        }
    }

    /// <summary>Retires the failed instance, then finishes in <see cref="FinishRecreate"/> once stopping children are gone.</summary>
    private void Recreate(Exception cause)
    {
        if (_stopping)
        {
            return;
        }
        var failed = _actor;
        _actor = null;
        _suspended = false;
        _escalatedFrom = null;
        _restartCause = cause;
        if (failed is not null)
        {
            var message = _failedMessage;
            RunHook(() => failed.PreRestart(cause, message), nameof(ActorBase.PreRestart));
        }
        _timers?.CancelAll();
        if (!HasStoppingChildren())
        {
            FinishRecreate();
        }
    }

    private void FinishRecreate()
    {
        var cause = _restartCause!;
        _restartCause = null;
        _failedMessage = null;
        _failure = null;
        _currentMessage = null;
        try
        {
            _actor = NewActor();
            _actor.PostRestart(cause);
        }
        catch (Exception exception)
        {
            Fail(new ActorInitializationException(Self, $"{_props.ActorType.Name} at {Self.Path} failed to restart.", exception));
        }
    }

    /// <summary>After a child stopped: finish our own stop or restart if we were waiting for it.</summary>
    private void OnChildStopped()
    {
        if (_stopping)
        {
            if (ChildCount == 0)
            {
                FinishStop();
            }
        }
        else if (_restartCause is not null && !HasStoppingChildren())
        {
            FinishRecreate();
        }
    }
}
