using MultiTeacher.Actors;

namespace MultiTeacher.Distillation.Online;

/// <summary>
/// Runs one peer of a group in this process: peer <c>index</c> of the request, the same as that peer of
/// <see cref="CodistillationGroup"/> (partition, initial weights, data order, model id). The other peers run in other
/// processes; the peer reaches them only through <c>hub</c>, a <see cref="CheckpointRelay"/> on a broadcast. There is
/// no death watch across processes: a peer that dies or stops answering is noticed by
/// <see cref="OnlineSettings.PeerTimeout"/> at an exchange point (with <see cref="OnlineSettings.WaitForPeers"/>), or
/// its checkpoint simply grows too stale to use; both are reported as incidents.
/// </summary>
public static class GroupMember
{
    private static readonly TimeSpan s_statsTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Trains peer <paramref name="index"/> in <paramref name="system"/> and returns its report once it has trained every
    /// epoch. The system should stop (not restart) a failing actor, as <see cref="CodistillationGroup"/>'s does: a peer
    /// that throws makes this task fail.
    /// </summary>
    public static async Task<PeerReport> RunAsync(GroupRequest request, int index, ActorSystem system, IActorRef hub, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(system);
        request.Settings.Validate();
        var done = new TaskCompletionSource<PeerReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
        var monitor = system.ActorOf(MemberMonitor.Props(request, done), $"monitor-{index}");
        var setup = PeerSetup.ForGroup(request, index, hub, monitor);
        var peer = system.ActorOf(CodistillationPeer.Props(setup), $"peer-{index}");
        monitor.Tell(new StartPeer(new Dictionary<string, IActorRef> { [setup.PeerId] = peer }));
        peer.Tell(new StartPeer(new Dictionary<string, IActorRef>()));
        try
        {
            await done.Task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            system.Stop(peer);
            throw;
        }

        // Asked now, so the counters include the checkpoints that arrived after the peer finished.
        return await peer.Ask<PeerReport>(new Pipeline.GetStats(), s_statsTimeout, CancellationToken.None).ConfigureAwait(false);
    }
}
