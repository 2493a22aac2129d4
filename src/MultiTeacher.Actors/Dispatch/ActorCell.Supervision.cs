namespace MultiTeacher.Actors.Dispatch;

/// <summary>Failing (suspend, tell the parent) and supervising (decide for a failed child).</summary>
internal sealed partial class ActorCell
{
    /// <summary>Suspends this actor and asks the parent's strategy what to do; the failing message is dropped.</summary>
    private void Fail(Exception cause)
    {
        _suspended = true;
        _failure = cause;
        _failedMessage = _currentMessage;
        if (_parent is null)
        {
            ActorLog.ChildFailed(System.Logger, cause, Self.Path, Directive.Stop);
            Mailbox.PostSystem(SystemMessage.Terminate);
            return;
        }
        _parent.Mailbox.PostSystem(new FailedMessage(Self, cause));
    }

    private void HandleFailed(FailedMessage failed)
    {
        var entry = FindChild(failed.Child);
        if (entry is null || entry.Stopping || _stopping)
        {
            return;
        }
        var strategy = _props.SupervisorStrategy ?? SupervisorStrategy.Default;
        Directive directive;
        try
        {
            directive = strategy.Decide(failed.Cause);
        }
        catch (Exception exception)
        {
            ActorLog.HookFailed(System.Logger, exception, Self.Path, "SupervisorStrategy.Decide");
            directive = Directive.Escalate;
        }
        if (directive == Directive.Restart && !entry.RequestRestartPermission(strategy, System.TimeProvider))
        {
            directive = Directive.Stop;
        }
        if (directive == Directive.Escalate && _parent is null)
        {
            directive = Directive.Stop;
        }
        ActorLog.ChildFailed(System.Logger, failed.Cause, failed.Child.Path, directive);
        var child = failed.Child.Cell.Mailbox;
        switch (directive)
        {
            case Directive.Resume:
                child.PostSystem(SystemMessage.Resume);
                break;
            case Directive.Restart:
                child.PostSystem(new RecreateMessage(failed.Cause));
                break;
            case Directive.Stop:
                entry.Stopping = true;
                child.PostSystem(SystemMessage.Terminate);
                break;
            default:
                _currentMessage = null;
                Fail(failed.Cause);
                _escalatedFrom = failed.Child;
                break;
        }
    }
}
