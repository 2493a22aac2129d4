using System.Diagnostics;
using MultiTeacher.Actors;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Distillation.Online;

/// <summary>
/// Runs one group of K peers in one process: a checkpoint hub, one <see cref="CodistillationPeer"/> per peer on its
/// partition, and a monitor that collects their reports. The peers talk only through checkpoints.
/// </summary>
public static class CodistillationGroup
{
    private static readonly TimeSpan s_statsTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Trains the group and returns what every peer did.</summary>
    public static async Task<GroupResult> RunAsync(GroupRequest request, ActorSystemOptions? options = null, CancellationToken cancellationToken = default)
    {
        request.Settings.Validate();
        var clock = Stopwatch.StartNew();
        var ids = request.Ids;
        if (ids.Count != request.Settings.Peers || ids.Distinct().Count() != ids.Count)
        {
            throw new ArgumentException($"{ids.Count} peer ids ({string.Join(", ", ids)}) for {request.Settings.Peers} peers; they must be distinct");
        }

        var done = new TaskCompletionSource<(List<PeerReport>, List<string>, List<string>)>(TaskCreationOptions.RunContinuationsAsynchronously);
        // A peer that throws has lost its place in training; a restart would start over with half-trained weights.
        // Stop it instead: the monitor and the other peers see it stop and go on without it.
        await using var system = new ActorSystem("online", (options ?? new ActorSystemOptions()) with
        {
            GuardianSupervisorStrategy = new OneForOneStrategy(_ => Directive.Stop),
        });
        await using var registration = cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
        var hub = system.ActorOf(CheckpointHub.Props(), "checkpoints");
        var monitor = system.ActorOf(GroupMonitor.Props(request, done), "monitor");
        var peers = new Dictionary<string, IActorRef>();
        for (var k = 0; k < ids.Count; k++)
        {
            var setup = PeerSetup.ForGroup(request, k, hub, monitor);
            peers[ids[k]] = system.ActorOf(CodistillationPeer.Props(setup), $"peer-{k}");
        }

        var start = new StartPeer(peers);
        monitor.Tell(start);
        foreach (var peer in peers.Values)
        {
            peer.Tell(start);
        }

        var (reports, lost, incidents) = await done.Task.ConfigureAwait(false);
        var hubStats = await hub.Ask<HubStats>(new GetStats(), s_statsTimeout, CancellationToken.None).ConfigureAwait(false);

        // Asked after the hub answered, so every checkpoint it forwarded is in the peers' mailboxes before the question:
        // the counters then include the last checkpoints, which may arrive after a peer finished.
        for (var i = 0; i < reports.Count; i++)
        {
            reports[i] = await peers[reports[i].PeerId].Ask<PeerReport>(new GetStats(), s_statsTimeout, CancellationToken.None).ConfigureAwait(false);
        }

        return new GroupResult(reports, lost, incidents, hubStats, clock.Elapsed);
    }
}
