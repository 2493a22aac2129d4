using Akka.Actor;

namespace MultiTeacher.Distillation.Pipeline;

/// <summary>
/// Fans checkpoints out to subscribers (peer students, teachers of that model id, evaluators). It keeps only the newest
/// version per model id: an older or equal version is dropped, and a subscriber joining late receives the newest ones
/// at once. Subscribers that stop are forgotten.
/// </summary>
public sealed class CheckpointHub : ReceiveActor
{
    private readonly Dictionary<string, Checkpoint> _newest = [];
    private readonly Dictionary<IActorRef, string?> _subscribers = [];
    private int _received, _forwarded, _stale;

    /// <summary>Creates the hub.</summary>
    public CheckpointHub()
    {
        Receive<SubscribeCheckpoints>(Subscribe);
        Receive<UnsubscribeCheckpoints>(u => Forget(u.Subscriber));
        Receive<Terminated>(t => Forget(t.ActorRef));
        Receive<Checkpoint>(Publish);
        Receive<GetStats>(_ => Sender.Tell(new HubStats(_received, _forwarded, _stale)));
    }

    /// <summary>Props of the hub.</summary>
    public static Props Props() => Akka.Actor.Props.Create(() => new CheckpointHub());

    private void Subscribe(SubscribeCheckpoints subscribe)
    {
        _subscribers[subscribe.Subscriber] = subscribe.ModelId;
        Context.Watch(subscribe.Subscriber);
        foreach (var checkpoint in _newest.Values.Where(c => subscribe.ModelId is null || c.ModelId == subscribe.ModelId))
        {
            subscribe.Subscriber.Tell(checkpoint, Self);
            _forwarded++;
        }
    }

    private void Forget(IActorRef subscriber)
    {
        _subscribers.Remove(subscriber);
        Context.Unwatch(subscriber);
    }

    private void Publish(Checkpoint checkpoint)
    {
        _received++;
        Forward(checkpoint);
        Context.System.EventStream.Publish(new HubProgress(_received, _forwarded, _stale));
    }

    private void Forward(Checkpoint checkpoint)
    {
        if (_newest.TryGetValue(checkpoint.ModelId, out var held) && held.Version >= checkpoint.Version)
        {
            _stale++;
            return;
        }

        _newest[checkpoint.ModelId] = checkpoint;
        foreach (var (subscriber, modelId) in _subscribers)
        {
            if ((modelId is null || modelId == checkpoint.ModelId) && !subscriber.Equals(Sender))
            {
                subscriber.Tell(checkpoint, Self);
                _forwarded++;
            }
        }
    }
}
