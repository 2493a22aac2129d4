using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;

namespace MultiTeacher.Distillation.Online;

/// <summary>
/// Runs one group of K peers in one process, in an ActorSystem of its own: a checkpoint hub, one
/// <see cref="CodistillationPeer"/> per peer on its partition, and the monitor that is their parent and collects their
/// reports. The peers talk only through checkpoints.
/// </summary>
public static class CodistillationGroup
{
    /// <summary>
    /// Trains the group and returns what every peer did. <paramref name="akka"/> configures the ActorSystem (the
    /// <c>akka { }</c> block of cluster.hocon as the configuration loader resolved it).
    /// </summary>
    public static async Task<GroupResult> RunAsync(GroupRequest request, Config akka, CancellationToken cancellationToken = default)
    {
        Check(request);
        var system = ActorSystem.Create("online", akka);
        try
        {
            return await RunAsync(request, system, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
    }

    /// <summary>Runs the group in <paramref name="system"/>, under one parent actor that is stopped at the end.</summary>
    internal static async Task<GroupResult> RunAsync(GroupRequest request, ActorSystem system, CancellationToken cancellationToken = default)
    {
        Check(request);
        var clock = Stopwatch.StartNew();
        var done = new TaskCompletionSource<GroupResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
        var group = system.ActorOf(GroupMonitor.Props(request, done));
        try
        {
            var result = await done.Task.ConfigureAwait(false);
            return result with { Elapsed = clock.Elapsed };
        }
        finally
        {
            system.Stop(group);
        }
    }

    private static void Check(GroupRequest request)
    {
        request.Settings.Validate();
        var ids = request.Ids;
        if (ids.Count != request.Settings.Peers || ids.Distinct().Count() != ids.Count)
        {
            throw new ArgumentException($"{ids.Count} peer ids ({string.Join(", ", ids)}) for {request.Settings.Peers} peers; they must be distinct");
        }
    }
}
