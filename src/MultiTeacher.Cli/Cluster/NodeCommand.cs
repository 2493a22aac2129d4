using System.CommandLine;
using Microsoft.Extensions.Logging;
using MultiTeacher.Actors;
using MultiTeacher.Cli.Commands;
using MultiTeacher.Cli.Terminal;
using MultiTeacher.Cluster;
using MultiTeacher.Configuration;

namespace MultiTeacher.Cli.Cluster;

/// <summary>
/// <c>mt node</c>: a long-running cluster node. It joins the broker of <c>multiteacher.cluster</c>, announces itself
/// (heartbeats), and serves its roles in every run a coordinator submits. With the coordinator role it also submits
/// the run that its configuration's <c>multiteacher.distill</c> describes and exits when that run ends.
/// Ctrl+C or SIGTERM: unfinished deliveries go back to the broker (another replica takes them), then the node leaves.
/// With <c>--peer-group</c> the node is instead one peer of a codistillation group (<see cref="PeerGroupNode"/>).
/// </summary>
internal static class NodeCommand
{
    public static Command Create()
    {
        var roles = new Option<string>("--roles") { Description = "Comma-separated roles: teacher, aggregator, student, coordinator, or all.", Required = true };
        var teachers = new Option<string?>("--teachers") { Description = "With the teacher role: the teachers served, by id (file name without extension); default all of a run's." };
        var places = new Option<string?>("--teacher-places") { Description = "With the teacher role: the teachers served by their place in a run (1,2: its first two), whatever their files." };
        var config = new Option<string>("--config") { Description = "The configuration file.", DefaultValueFactory = _ => MultiTeacherConfiguration.DefaultFileName };
        var set = new Option<string[]>("--set") { Description = "Override a key, e.g. --set multiteacher.cluster.prefetch=8 (repeatable)." };
        var nodeId = new Option<string?>("--node-id") { Description = "This node's id on the broker (default: roles, host and process id)." };
        var output = new Option<string?>("--out") { Description = "With the coordinator role: folder for summary.json and the student; with --peer-group: folder for peers/ID.safetensors and peers/ID.json (default: runs/<time>)." };
        var resume = new Option<string?>("--resume")
        {
            HelpName = "DIR",
            Description = "With the coordinator role: go on with the run that stopped in DIR (its --out), from the last shard its student saved; " +
                "the run gets a new id and fresh queues.",
        };
        var peerGroup = new Option<string?>("--peer-group")
        {
            HelpName = "NAME",
            Description = "With --roles student alone: be peer K (--peer) of the codistillation group NAME, whose peers are separate processes " +
                "exchanging checkpoints through the broker; settings: multiteacher.online (its first seed), as for mt online.",
        };
        var peer = new Option<int?>("--peer")
        {
            HelpName = "K",
            Description = "With --peer-group: this peer's index, 0 to peers-1; it picks the peer's part of the data, its seeds and its id peer-K.",
        };
        var data = CommonOptions.Data();
        var threads = CommonOptions.Threads();
        var command = new Command("node", "Run a cluster node with the given roles, connected through RabbitMQ (multiteacher.cluster in cluster.hocon, " +
            "or MT_RABBITMQ_URI); with --peer-group, one peer of a codistillation group that trains and exits.")
        {
            roles, teachers, places, config, set, nodeId, output, resume, peerGroup, peer, data, threads,
        };
        command.SetAction((parse, token) => CommandRunner.RunAsync(async _ =>
        {
            var file = parse.GetValue(config)!;
            var tree = MultiTeacherConfiguration.LoadTree(file, parse.GetValue(set) ?? []);
            CommonOptions.ApplyThreads(parse.GetValue(threads), tree);
            var nodeRoles = NodeRoles.Parse(parse.GetValue(roles)!, parse.GetValue(teachers), parse.GetValue(places));
            var id = parse.GetValue(nodeId) ?? $"{string.Join("+", nodeRoles.Roles.Order(StringComparer.Ordinal))}-{Environment.MachineName}-{Environment.ProcessId}";
            using var logs = NodeLogging.Create();
            var log = logs.CreateLogger($"node {id}");
            var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(file))!;
            if (parse.GetValue(peerGroup) is { } group)
            {
                if (nodeRoles.Roles.Count != 1 || !nodeRoles.Has(NodeRoles.Student))
                {
                    throw new CliUsageException($"--peer-group needs --roles student alone, not {nodeRoles}");
                }

                var index = parse.GetValue(peer) ?? throw new CliUsageException("--peer-group needs --peer K, the peer's index in the group (0 to peers-1)");
                var outDir = parse.GetValue(output) ?? RunFolder.New(RepositoryRoot.Find());
                return await PeerGroupNode.RunAsync(tree, group, index, id, parse.GetValue(data), baseDirectory, outDir, logs, log, token).ConfigureAwait(false);
            }

            if (parse.GetValue(peer) is not null)
            {
                throw new CliUsageException("--peer is only for a peer of a group: add --peer-group NAME");
            }

            var resumed = parse.GetValue(resume);
            if (resumed is not null && (!nodeRoles.Has(NodeRoles.Coordinator) || parse.GetValue(output) is not null))
            {
                throw new CliUsageException("--resume DIR goes with the coordinator role and takes the place of --out");
            }

            var target = new RunTarget(resumed ?? parse.GetValue(output), resumed is not null);
            return await RunAsync(tree, nodeRoles, id, parse.GetValue(data), baseDirectory, target, logs, log, token).ConfigureAwait(false);
        }, token));
        return command;
    }

    private static async Task<int> RunAsync(HoconConfig tree, NodeRoles roles, string nodeId, string? data, string baseDirectory, RunTarget output,
        ILoggerFactory logs, ILogger log, CancellationToken cancellationToken)
    {
        var serving = roles.Roles.Where(r => r != NodeRoles.Coordinator).ToList();
        if (serving.Count > 0)
        {
            var settings = ClusterSettings.FromConfig(tree);
            await using var transport = await RabbitMqTransport.ConnectAsync(settings, nodeId, RegistrySink.PipelineRegistry(),
                logs.CreateLogger("transport"), cancellationToken).ConfigureAwait(false);
            await using var system = new ActorSystem("mt", new ActorSystemOptions { Transport = transport, Node = nodeId, LoggerFactory = logs });
            await using var membership = await Membership.StartAsync(transport, system).ConfigureAwait(false);
            var agent = system.ActorOf(NodeActor.Props(transport, roles, data, log), "node");
            await transport.SubscribeBroadcastAsync(ClusterEndpoints.Runs, agent, lastValueOnly: true).ConfigureAwait(false);
            log.LogInformation("joined {Broker} as {Roles}", settings.Endpoint, roles);
            var status = roles.Has(NodeRoles.Coordinator)
                ? await CoordinateAsync(tree, baseDirectory, data, output, logs, cancellationToken).ConfigureAwait(false)
                : await WaitForStopAsync(cancellationToken).ConfigureAwait(false);
            log.LogInformation("leaving");
            await membership.LeaveAsync().ConfigureAwait(false);
            return status;
        }

        return await CoordinateAsync(tree, baseDirectory, data, output, logs, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> CoordinateAsync(HoconConfig tree, string baseDirectory, string? data, RunTarget output, ILoggerFactory logs,
        CancellationToken cancellationToken)
    {
        var outDir = output.Directory ?? RunFolder.New(RepositoryRoot.Find());
        var summary = await RunProgress.RunAsync(progress =>
            ClusterRunDriver.RunAsync(tree, baseDirectory, data, outDir, output.Resume, progress, logs, cancellationToken)).ConfigureAwait(false);
        SummaryTable.Write(summary, outDir);
        return 0;
    }

    private static async Task<int> WaitForStopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }

    /// <summary>Where a coordinator writes its run (null: a new folder under runs/), and whether it resumes the run stopped there.</summary>
    private sealed record RunTarget(string? Directory, bool Resume);
}
