namespace MultiTeacher.Actors;

/// <summary>
/// A system-wide publish/subscribe channel for events such as <see cref="DeadLetter"/> and
/// <see cref="UnhandledMessage"/>. Subscribers are actor references; a stopped actor is unsubscribed.
/// </summary>
public sealed class EventStream
{
    private readonly Lock _gate = new();
    private (Type EventType, IActorRef Subscriber)[] _subscriptions = [];

    internal EventStream()
    {
    }

    /// <summary>Sends <paramref name="subscriber"/> every published event assignable to <typeparamref name="T"/>.</summary>
    public void Subscribe<T>(IActorRef subscriber) => Subscribe(subscriber, typeof(T));

    /// <summary>Sends <paramref name="subscriber"/> every published event assignable to <paramref name="eventType"/>.</summary>
    public void Subscribe(IActorRef subscriber, Type eventType)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(eventType);
        lock (_gate)
        {
            if (!Array.Exists(_subscriptions, s => s.EventType == eventType && s.Subscriber.Equals(subscriber)))
            {
                _subscriptions = [.. _subscriptions, (eventType, subscriber)];
            }
        }
    }

    /// <summary>Ends the subscription of <paramref name="subscriber"/> to <typeparamref name="T"/>.</summary>
    public void Unsubscribe<T>(IActorRef subscriber) => Remove(s => s.EventType == typeof(T) && s.Subscriber.Equals(subscriber));

    /// <summary>Ends every subscription of <paramref name="subscriber"/>.</summary>
    public void Unsubscribe(IActorRef subscriber) => Remove(s => s.Subscriber.Equals(subscriber));

    /// <summary>Ends the subscriptions of a stopped local actor, also those made through a wrapper such as a test probe.</summary>
    internal void UnsubscribeStopped(IActorRef actor) =>
        Remove(s => s.Subscriber.Equals(actor) || (s.Subscriber.System == actor.System && s.Subscriber.Path.Equals(actor.Path) && s.Subscriber is not Transport.RemoteActorRef));

    /// <summary>Sends <paramref name="event"/> to every subscriber of its type (or a base type or interface).</summary>
    public void Publish(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        foreach (var (eventType, subscriber) in Volatile.Read(ref _subscriptions))
        {
            if (eventType.IsInstanceOfType(@event))
            {
                subscriber.Tell(@event);
            }
        }
    }

    private void Remove(Predicate<(Type EventType, IActorRef Subscriber)> match)
    {
        lock (_gate)
        {
            if (Array.Exists(_subscriptions, match))
            {
                _subscriptions = Array.FindAll(_subscriptions, s => !match(s));
            }
        }
    }
}
