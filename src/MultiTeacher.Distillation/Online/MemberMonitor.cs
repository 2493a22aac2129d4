using MultiTeacher.Actors;

namespace MultiTeacher.Distillation.Online;

/// <summary>Watches the one peer of a <see cref="GroupMember"/> run: passes its epochs and incidents on, and completes with its report.</summary>
internal sealed class MemberMonitor : ReceiveActor
{
    private readonly TaskCompletionSource<PeerReport> _done;

    public MemberMonitor(GroupRequest request, TaskCompletionSource<PeerReport> done)
    {
        _done = done;
        Receive<StartPeer>(start =>
        {
            foreach (var peer in start.Peers.Values)
            {
                Context.Watch(peer);
            }
        });
        Receive<PeerEpochCompleted>(e => request.OnEpoch?.Invoke(e), e => e.RunId == request.RunId);
        Receive<PeerIncident>(i => request.OnIncident?.Invoke(i), i => i.RunId == request.RunId);
        Receive<PeerFinished>(f => _done.TrySetResult(f.Report), f => f.RunId == request.RunId);
        Receive<Terminated>(t => _done.TrySetException(new InvalidOperationException($"peer {t.ActorRef.Path.Name} stopped before it finished training (its error is in the log above)")));
    }

    public static Props Props(GroupRequest request, TaskCompletionSource<PeerReport> done) => Actors.Props.Create(() => new MemberMonitor(request, done));
}
