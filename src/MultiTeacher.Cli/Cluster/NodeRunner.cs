using MultiTeacher.Cli.Commands;
using MultiTeacher.Cli.Dashboard;
using MultiTeacher.Cluster;
using MultiTeacher.Configuration;
using MultiTeacher.Distillation.Experiments;

namespace MultiTeacher.Cli.Cluster;

/// <summary>
/// Runs one <c>mt node</c>: starts the cluster node, joins, serves the teachers it was given (teacher role) and runs
/// the configured distillation (coordinator role), or serves until cancelled; it always leaves the cluster
/// gracefully at the end.
/// </summary>
internal static class NodeRunner
{
    /// <summary>How long a node waits to be Up in the cluster before it gives up, naming its seeds.</summary>
    public static TimeSpan JoinTimeout { get; } = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(LoadedConfiguration loaded, ClusterNodeSettings settings, NodeOptions options, CancellationToken cancellationToken)
    {
        var baseDirectory = loaded.File is { } file ? Path.GetDirectoryName(Path.GetFullPath(file))! : Directory.GetCurrentDirectory();
        var request = DistillConfig.Read(loaded, baseDirectory);
        var served = options.ServesTeachers ? options.Teachers : [];
        var peerRequest = options.IsPeer ? PeerRole.Request(OnlineConfig.Read(loaded, baseDirectory), options) : null;
        var node = ClusterNode.Start(settings, peerRequest is null ? loaded.Config : PeerRole.ClusterConfig(peerRequest.Settings.Peers).WithFallback(loaded.Config));
        try
        {
            Console.Error.WriteLine($"mt node: {node.Address} [{string.Join(",", options.Roles)}] " +
                (settings.SeedNodes.Count == 0 ? "starts a new cluster (the seed of others)" : $"joins {string.Join(", ", settings.SeedNodes)}"));
            try
            {
                await node.WhenUp(JoinTimeout).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new CliUsageException($"could not join the cluster through {string.Join(", ", settings.SeedNodes)} within {JoinTimeout.TotalSeconds:0} s: " +
                    "is a node listening there, with the same TLS setting (akka.tcp vs akka.ssl.tcp) and system name 'multiteacher'?" +
                    (peerRequest is null ? "" : $" (a peer node is Up only once all {peerRequest.Settings.Peers} student nodes of its group have joined)"));
            }

            Console.Error.WriteLine($"mt node: {node.Address} is up");
            if (!options.Coordinates && !options.ServesTeachers && !options.IsPeer)
            {
                Console.Error.WriteLine("mt node: this node has no coordinator or teacher role: it is a member of the cluster and serves nothing " +
                    "(the aggregator and student of a run live on the coordinator's node)");
            }

            return await DashboardOption.RunOnNodeAsync(options.Dashboard, node.System, watch => peerRequest is null
                ? ServeAsync(node, request, served, options, watch, cancellationToken)
                : PeerRole.RunAsync(node, peerRequest, options.DataDirectory, options, cancellationToken),
                code => code == 0 && options.Coordinates ? CoordinatorRole.ReportPath(options.OutDirectory) : null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (options.Coordinates)
            {
                await UnreachableRemovedAsync(node).ConfigureAwait(false);
            }

            await node.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The node's work once it is up: serve teachers, run the distillation, or wait until it leaves.</summary>
    private static async Task<int> ServeAsync(ClusterNode node, DistillRequest request, IReadOnlyList<string> served, NodeOptions options,
        Func<IRunProgress, IRunProgress> watch, CancellationToken cancellationToken)
    {
        if (options.ServesTeachers)
        {
            new TeacherRole(request, served, options.DataDirectory, options.Live, cancellationToken).Start(node, options.Replicas);
            Console.Error.WriteLine($"mt node: serving {(served.Count > 0 ? $"teacher(s) {string.Join(", ", served)}" : "every teacher")} of announced runs " +
                $"({options.Replicas} replica(s) each{(options.Live ? ", live" : "")})");
        }

        if (options.Coordinates)
        {
            var prepared = await Terminal.RunProgress.RunAsync(progress => Task.Run(() => PreparedRun.Create(request, options.DataDirectory, watch(progress),
                cancellationToken, _ => false), cancellationToken)).ConfigureAwait(false);
            return await CoordinatorRole.RunAsync(node, request, prepared, options, watch, cancellationToken).ConfigureAwait(false);
        }

        // Serve until SIGTERM/Ctrl+C, or until the cluster removes this node (downed by the Split Brain Resolver
        // after it was unreachable): a removed node cannot come back under the same identity, so it ends and
        // whoever supervises it (systemd, local-cluster.sh) starts it again.
        // Akka's own SIGTERM hook may get there first: it leaves the cluster gracefully too (ClrExitReason).
        var cancelled = Task.Delay(Timeout.Infinite, cancellationToken);
        await Task.WhenAny(cancelled, node.System.WhenTerminated).ConfigureAwait(false);
        var reason = Akka.Actor.CoordinatedShutdown.Get(node.System).ShutdownReason;
        if (cancellationToken.IsCancellationRequested || reason is Akka.Actor.CoordinatedShutdown.ClrExitReason)
        {
            Console.Error.WriteLine($"mt node: {node.Address} leaves the cluster");
            return 0;
        }

        Console.Error.WriteLine($"mt node: {node.Address} stopped ({(reason is Akka.Actor.CoordinatedShutdown.ClusterDowningReason
            ? "downed: the cluster removed it after it was unreachable" : $"reason: {reason?.GetType().Name ?? "unknown"}")}); start it again to rejoin");
        return 1;
    }

    /// <summary>
    /// Waits (at most <see cref="LeaveWait"/>) until no member is unreachable. The Split Brain Resolver keeps the side
    /// of the oldest coordinator node; if that node leaves while another is still unreachable (a teacher killed late in
    /// the run), no coordinator is left to decide by and the resolver downs every node. Leaving after the unreachable
    /// node was downed keeps the teacher nodes up for the next run.
    /// </summary>
    private static async Task UnreachableRemovedAsync(ClusterNode node)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var said = false;
        while (node.Cluster.State.Unreachable.Count > 0 && clock.Elapsed < LeaveWait && !node.System.WhenTerminated.IsCompleted)
        {
            if (!said)
            {
                Console.Error.WriteLine($"mt node: waiting until the unreachable node(s) {string.Join(", ", node.Cluster.State.Unreachable.Select(m => m.Address))} " +
                    "are downed before leaving, so that the others stay up");
                said = true;
            }

            await Task.Delay(200).ConfigureAwait(false);
        }
    }

    /// <summary>How long a coordinator node waits for unreachable nodes to be downed before it leaves.</summary>
    public static TimeSpan LeaveWait { get; } = TimeSpan.FromSeconds(30);
}
