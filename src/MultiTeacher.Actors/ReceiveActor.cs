using MultiTeacher.Actors.Dispatch;

namespace MultiTeacher.Actors;

/// <summary>
/// An actor whose behaviour is a list of typed handlers, registered in its constructor with
/// <see cref="Receive{T}(Action{T}, Predicate{T}?)"/> and switched with <see cref="Become"/>. The first handler whose
/// type (and predicate) matches a message handles it. An asynchronous handler holds the mailbox until its task
/// completes: the actor still handles one message at a time.
/// </summary>
public abstract class ReceiveActor : ActorBase
{
    private Handler[] _behavior = [];
    private List<Handler>? _building = [];
    private Stack<Handler[]>? _stacked;
    private bool _becameInConstructor;

    /// <summary>Handles messages of type <typeparamref name="T"/> (that satisfy <paramref name="when"/>, if given).</summary>
    protected void Receive<T>(Action<T> handler, Predicate<T>? when = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(new Handler<T>(handler, null, when));
    }

    /// <summary>
    /// Handles messages of type <typeparamref name="T"/> asynchronously: the next message waits until the returned
    /// task completes; a faulted task fails the actor like a throw.
    /// </summary>
    protected void Receive<T>(Func<T, Task> handler, Predicate<T>? when = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(new Handler<T>(null, handler, when));
    }

    /// <summary>Handles any message not taken by a handler registered before this one.</summary>
    protected void ReceiveAny(Action<object> handler) => Receive(handler);

    /// <summary>Handles any message asynchronously; see <see cref="Receive{T}(Func{T, Task}, Predicate{T}?)"/>.</summary>
    protected void ReceiveAny(Func<object, Task> handler) => Receive(handler);

    /// <summary>Replaces the behaviour: <paramref name="behavior"/> registers the new handlers, used from the next message on.</summary>
    protected void Become(Action behavior)
    {
        _behavior = Build(behavior);
        if (_building is not null)
        {
            _becameInConstructor = true;
        }
    }

    /// <summary>Like <see cref="Become"/>, keeping the current behaviour for <see cref="UnbecomeStacked"/>.</summary>
    protected void BecomeStacked(Action behavior)
    {
        (_stacked ??= new()).Push(_building is null ? _behavior : [.. _building]);
        Become(behavior);
    }

    /// <summary>Returns to the behaviour saved by the last <see cref="BecomeStacked"/>, if any.</summary>
    protected void UnbecomeStacked()
    {
        if (_stacked is { Count: > 0 })
        {
            _behavior = _stacked.Pop();
        }
    }

    internal sealed override void OnConstructed()
    {
        if (!_becameInConstructor)
        {
            _behavior = [.. _building!];
        }
        _building = null;
    }

    internal sealed override Task? Dispatch(object message)
    {
        var handlers = _behavior;
        for (var i = 0; i < handlers.Length; i++)
        {
            var result = handlers[i].TryHandle(message);
            if (!ReferenceEquals(result, Handler.NotHandled))
            {
                return result;
            }
        }
        CallUnhandled(message);
        return null;
    }

    private void Add(Handler handler)
    {
        if (_building is null)
        {
            throw new InvalidOperationException("Handlers are registered in the constructor or inside Become.");
        }
        _building.Add(handler);
    }

    private Handler[] Build(Action behavior)
    {
        ArgumentNullException.ThrowIfNull(behavior);
        var saved = _building;
        _building = [];
        try
        {
            behavior();
            return [.. _building];
        }
        finally
        {
            _building = saved;
        }
    }
}
