using Akka.Actor;

namespace MultiTeacher.Distillation.Online;

/// <summary>
/// Runs one peer of a group in this process: peer <c>index</c> of the request, the same as that peer of
/// <see cref="CodistillationGroup"/> (partition, initial weights, data order, model id). The other peers run in other
/// processes; the peer reaches them only through <c>hub</c>, a <see cref="CheckpointRelay"/> on a broadcast. There is
/// no death watch across processes here: a peer that dies or stops answering is noticed by
/// <see cref="OnlineSettings.PeerTimeout"/> at an exchange point (with <see cref="OnlineSettings.WaitForPeers"/>), or
/// its checkpoint simply grows too stale to use; both are reported as incidents.
/// </summary>
public static class GroupMember
{
    /// <summary>
    /// Trains peer <paramref name="index"/> in <paramref name="system"/> and returns its report once it has trained every
    /// epoch. The peer is the child of a monitor that stops it if it throws, which makes this task fail.
    /// </summary>
    public static async Task<PeerReport> RunAsync(GroupRequest request, int index, ActorSystem system, IActorRef hub, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(system);
        request.Settings.Validate();
        var done = new TaskCompletionSource<PeerReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
        var monitor = system.ActorOf(MemberMonitor.Props(request, index, hub, done), $"member-{index}");
        try
        {
            return await done.Task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            system.Stop(monitor);
            throw;
        }
    }
}
