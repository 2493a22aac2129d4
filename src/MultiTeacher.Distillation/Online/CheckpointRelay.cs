using Akka.Actor;
using Akka.Event;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Distillation.Online;

/// <summary>
/// The checkpoint hub of one group member that runs in its own process: the local peer uses it exactly like a
/// <see cref="CheckpointHub"/>, and the relay carries checkpoints to and from the other processes through a
/// broadcast (any reference whose <c>Tell</c> reaches every member's relay, such as a publish-subscribe topic).
/// <list type="bullet">
/// <item>A checkpoint of the member's own model id newer than the last one published goes out on the broadcast; an older
/// or equal one (its own copy coming back from the broadcast) is dropped.</item>
/// <item>A checkpoint of any other model id came from another member: the relay keeps the newest version per model id,
/// drops older and equal ones, and forwards new ones to the local subscribers.</item>
/// <item>Late joiners: once subscribed to the broadcast (<see cref="RelayConnected"/>) the relay asks the group with
/// <see cref="CheckpointsWanted"/>, and every relay that hears another member ask re-publishes its member's newest
/// checkpoint. Receivers that held it already drop it as an equal version.</item>
/// </list>
/// </summary>
public sealed class CheckpointRelay : ReceiveActor
{
    private readonly string _memberId;
    private readonly IActorRef _broadcast;
    private readonly CheckpointInbox _inbox = new();
    private readonly HashSet<IActorRef> _subscribers = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private Checkpoint? _own;
    private int _published, _resent, _forwarded;

    /// <summary>Creates the relay; see <see cref="Props"/>.</summary>
    public CheckpointRelay(string memberId, IActorRef broadcast)
    {
        ArgumentException.ThrowIfNullOrEmpty(memberId);
        _memberId = memberId;
        _broadcast = broadcast;
        Receive<SubscribeCheckpoints>(Subscribe);
        Receive<UnsubscribeCheckpoints>(u => Forget(u.Subscriber));
        Receive<Terminated>(t => Forget(t.ActorRef));
        Receive<Checkpoint>(PublishOwn, c => c.ModelId == _memberId);
        Receive<Checkpoint>(Arrived);
        Receive<RelayConnected>(_ => _broadcast.Tell(new CheckpointsWanted(_memberId), Self));
        Receive<CheckpointsWanted>(Resend);
        Receive<GetStats>(_ => Sender.Tell(new RelayStats(_published, _resent, _inbox.Received, _forwarded, _inbox.Ignored)));
    }

    /// <summary>
    /// Props of the relay of member <paramref name="memberId"/> (its model id), publishing on <paramref name="broadcast"/>.
    /// Its arguments are plain data and references, so the props themselves can travel.
    /// </summary>
    public static Props Props(string memberId, IActorRef broadcast) => Akka.Actor.Props.Create(() => new CheckpointRelay(memberId, broadcast));

    private void Subscribe(SubscribeCheckpoints subscribe)
    {
        _subscribers.Add(subscribe.Subscriber);
        Context.Watch(subscribe.Subscriber);
        foreach (var modelId in _inbox.ModelIds)
        {
            Forward(subscribe.Subscriber, _inbox.Newest(modelId)!);
        }
    }

    private void Forget(IActorRef subscriber)
    {
        _subscribers.Remove(subscriber);
        Context.Unwatch(subscriber);
    }

    private void PublishOwn(Checkpoint checkpoint)
    {
        if (_own is not null && _own.Version >= checkpoint.Version)
        {
            return;
        }

        if (_own is null)
        {
            _log.Info("{0}", $"{_memberId}: first checkpoint published (version {checkpoint.Version}, step {checkpoint.Step}, {checkpoint.Weights.Length} weights)");
        }

        _own = checkpoint;
        _broadcast.Tell(checkpoint, Self);
        _published++;
    }

    private void Arrived(Checkpoint checkpoint)
    {
        var first = _inbox.Newest(checkpoint.ModelId) is null;
        if (!_inbox.Offer(checkpoint))
        {
            return;
        }

        if (first)
        {
            _log.Info("{0}", $"{_memberId}: first checkpoint of {checkpoint.ModelId} arrived (version {checkpoint.Version}, step {checkpoint.Step})");
        }

        foreach (var subscriber in _subscribers)
        {
            Forward(subscriber, checkpoint);
        }
    }

    private void Forward(IActorRef subscriber, Checkpoint checkpoint)
    {
        subscriber.Tell(checkpoint, Self);
        _forwarded++;
    }

    private void Resend(CheckpointsWanted wanted)
    {
        if (wanted.RequesterId == _memberId || _own is null)
        {
            return;
        }

        _log.Info("{0}", $"{_memberId}: {wanted.RequesterId} joined; re-sent checkpoint version {_own.Version} (step {_own.Step})");
        _broadcast.Tell(_own, Self);
        _resent++;
    }
}
