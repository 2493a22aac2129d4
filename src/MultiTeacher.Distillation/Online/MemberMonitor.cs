using Akka.Actor;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Distillation.Online;

/// <summary>
/// The parent of the one peer of a <see cref="GroupMember"/> run: it passes the peer's epochs and incidents on and,
/// once the peer has finished, asks it for its final report (so that the counters include checkpoints that arrived
/// after the last step) and completes with it. A peer that throws is stopped (Akka logs the error) and the run fails.
/// </summary>
internal sealed class MemberMonitor : ReceiveActor
{
    private readonly TaskCompletionSource<PeerReport> _done;
    private readonly IActorRef _peer;

    public MemberMonitor(GroupRequest request, int index, IActorRef hub, TaskCompletionSource<PeerReport> done)
    {
        _done = done;
        _peer = Context.ActorOf(CodistillationPeer.Props(PeerSetup.ForGroup(request, index, hub, Self)), $"peer-{index}");
        Context.Watch(_peer);
        Receive<PeerEpochCompleted>(e => Callback(() => request.OnEpoch?.Invoke(e)), e => e.RunId == request.RunId);
        Receive<PeerIncident>(i => Callback(() => request.OnIncident?.Invoke(i)), i => i.RunId == request.RunId);
        Receive<PeerFinished>(_ => _peer.Tell(GetStats.Instance), f => f.RunId == request.RunId);
        Receive<PeerReport>(report => _done.TrySetResult(report));
        Receive<Terminated>(t => _done.TrySetException(new InvalidOperationException(
            $"peer {t.ActorRef.Path.Name} stopped before it finished training (its error is in the log above)")));
    }

    /// <summary>Props of the monitor of peer <paramref name="index"/>. Local only: the request holds the caller's data and callbacks (<see cref="Deploy.Local"/>).</summary>
    public static Props Props(GroupRequest request, int index, IActorRef hub, TaskCompletionSource<PeerReport> done) =>
        Akka.Actor.Props.Create(() => new MemberMonitor(request, index, hub, done)).WithDeploy(Deploy.Local);

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(Decider.From(Directive.Stop));

    /// <inheritdoc />
    protected override void PreStart() => _peer.Tell(new StartPeer(new Dictionary<string, IActorRef>()));

    /// <inheritdoc />
    protected override void PostStop() => _done.TrySetException(new InvalidOperationException("the member was stopped before it finished"));

    private void Callback(Action callback)
    {
        try
        {
            callback();
        }
        catch (Exception e)
        {
            _done.TrySetException(e);
        }
    }
}
