using MultiTeacher.Actors.Transport;

namespace MultiTeacher.Actors.Dispatch;

/// <summary>
/// Death watch. A watchee keeps its watchers' cells (thread-safe, under <c>_gate</c>); a watcher keeps what it
/// watches (its own turn only), keyed by the watchee's local reference, valued with the reference the user passed.
/// </summary>
internal sealed partial class ActorCell
{
    private HashSet<ActorCell>? _watchers;
    private Dictionary<IActorRef, IActorRef>? _watching;

    public IActorRef Watch(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var target = System.ToLocal(subject);
        if (target is null && subject is RemoteActorRef)
        {
            throw new NotSupportedException($"Watching the remote actor {subject.Path} is not supported yet.");
        }
        IActorRef key = target ?? subject;
        if (ReferenceEquals(key, Self) || !(_watching ??= []).TryAdd(key, subject))
        {
            return subject;
        }
        if (target is null)
        {
            // Resolves to no living local actor: it is already dead.
            Mailbox.PostSystem(new DeathWatchNotification(key));
        }
        else
        {
            target.Cell.AddWatcher(this);
        }
        return subject;
    }

    public void Unwatch(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var target = System.ToLocal(subject);
        if (_watching is not null && _watching.Remove(target ?? subject))
        {
            target?.Cell.RemoveWatcher(this);
        }
    }

    /// <summary>Registers a watcher, or notifies it at once if this actor is already dead. Thread-safe.</summary>
    public void AddWatcher(ActorCell watcher)
    {
        lock (_gate)
        {
            if (!_terminated)
            {
                (_watchers ??= []).Add(watcher);
                return;
            }
        }
        watcher.Mailbox.PostSystem(new DeathWatchNotification(Self));
    }

    /// <summary>Removes a watcher. Thread-safe.</summary>
    public void RemoveWatcher(ActorCell watcher)
    {
        lock (_gate)
        {
            _watchers?.Remove(watcher);
        }
    }

    private void HandleDeathWatchNotification(IActorRef actor)
    {
        if (_watching is not null && _watching.ContainsKey(actor) && !_stopping)
        {
            Mailbox.PostTermination(actor);
        }
        if (actor is LocalActorRef local && RemoveChild(local))
        {
            OnChildStopped();
        }
    }

    /// <summary>Marks this actor dead and tells every watcher, once.</summary>
    private void NotifyWatchers()
    {
        HashSet<ActorCell>? watchers;
        lock (_gate)
        {
            _terminated = true;
            watchers = _watchers;
            _watchers = null;
        }
        if (watchers is null)
        {
            return;
        }
        var notification = new DeathWatchNotification(Self);
        foreach (var watcher in watchers)
        {
            watcher.Mailbox.PostSystem(notification);
        }
    }

    private void UnwatchAll()
    {
        if (_watching is null)
        {
            return;
        }
        foreach (var key in _watching.Keys)
        {
            (key as LocalActorRef)?.Cell.RemoveWatcher(this);
        }
        _watching = null;
    }
}
