using System.CommandLine;
using MultiTeacher.Cli.Cluster;
using MultiTeacher.Cli.Dashboard;
using MultiTeacher.Cluster;

namespace MultiTeacher.Cli.Commands;

/// <summary>
/// <c>mt node</c>: one node of an Akka.Cluster. A coordinator node runs the distillation of
/// <c>multiteacher.distill</c> (as <c>mt distill</c> does) with its teachers served by the cluster's teacher nodes,
/// shows progress and writes summary.json and report.html; other nodes serve until SIGTERM or Ctrl+C, then leave the
/// cluster gracefully.
/// </summary>
internal static class NodeCommand
{
    public static Command Create()
    {
        var roles = new Option<string>("--roles")
        {
            Description = "Comma-separated roles: teacher, aggregator, student, coordinator (default: akka.cluster.roles of cluster.hocon, else all).",
        };
        var teachers = new Option<string?>("--teachers") { Description = "Teacher ids this node serves (file names without extension; default: all of the run)." };
        var replicas = new Option<int>("--replicas") { Description = "Replicas per served teacher.", DefaultValueFactory = _ => 1 };
        var hostname = new Option<string?>("--hostname") { Description = "Address to bind to (default: akka.remote.dot-netty.tcp.hostname, MT_HOSTNAME)." };
        var port = new Option<int?>("--port") { Description = "Port to listen on; 0 picks a free one (default: cluster.hocon, MT_PORT)." };
        var seeds = new Option<string?>("--seed-nodes") { Description = "Comma-separated seed addresses, akka.tcp://multiteacher@host:port (default: MT_SEED_NODES)." };
        var config = new Option<string?>("--config") { Description = "The configuration file (default: cluster.hocon of the repository)." };
        var set = new Option<string[]>("--set") { Description = "Override a key, e.g. --set multiteacher.distill.epochs=2 (repeatable)." };
        var output = new Option<string?>("--out") { Description = "Coordinator: folder for summary.json, report.html and students/ (default: runs/<time>)." };
        var resume = new Option<string?>("--resume") { Description = "Coordinator: go on from the student state saved in this run folder." };
        var data = CommonOptions.Data();
        var threads = CommonOptions.Threads();
        var dashboard = DashboardOption.Create();
        var live = new Option<bool>("--live")
        {
            Description = "Teacher role: run the teacher networks on every shard as it is asked for, instead of a cached teacher pass computed first " +
                "(one replica per teacher: a network serves one shard at a time).",
        };
        var peerGroup = new Option<string?>("--peer-group")
        {
            Description = "Student role: be a codistillation peer of this group (multiteacher.online settings; checkpoints on the topic checkpoints-NAME); " +
                "needs --peer. Writes peer-K.safetensors and summary.json in --out.",
        };
        var peer = new Option<int?>("--peer") { Description = "With --peer-group: this node's peer index K (0..peers-1), the same peer as mt online's peer-K." };
        var peerCount = new Option<int?>("--peers") { Description = "With --peer-group: the group's number of peers (default: multiteacher.online.peers)." };
        var seed = new Option<long?>("--seed") { Description = "With --peer-group: the group's seed (default: the first of multiteacher.online.seeds)." };
        var command = new Command("node", "Run one node of a cluster: the coordinator runs multiteacher.distill across the cluster; teacher nodes serve its teachers; " +
            "student nodes with --peer-group codistil with each other.")
        {
            roles, teachers, replicas, hostname, port, seeds, config, set, output, resume, data, threads, live, dashboard, peerGroup, peer, peerCount, seed,
        };
        command.SetAction((parse, token) => CommandRunner.RunAsync(async _ =>
        {
            var loaded = CliConfiguration.Load(parse.GetValue(config), parse.GetValue(set));
            CommonOptions.ApplyThreads(parse.GetValue(threads), loaded);
            var settings = ClusterNodeSettings.From(loaded);
            var group = parse.GetValue(peerGroup);
            var chosenRoles = NodeOptions.CheckRoles(parse.GetValue(roles) is { } r ? NodeOptions.List(r)
                : group is not null ? ["student"] : settings.Roles.Count > 0 ? settings.Roles : NodeOptions.KnownRoles);
            NodeOptions.CheckPeerOptions(group, chosenRoles, parse.GetValue(peer), parse.GetValue(peerCount), parse.GetValue(seed), parse.GetValue(resume));
            settings = settings with
            {
                Hostname = parse.GetValue(hostname) ?? settings.Hostname,
                Port = parse.GetValue(port) ?? settings.Port,
                SeedNodes = parse.GetValue(seeds) is { } s ? NodeOptions.List(s) : settings.SeedNodes,
                Roles = chosenRoles,
            };
            if (parse.GetValue(replicas) < 1)
            {
                throw new CliUsageException($"--replicas must be at least 1, got {parse.GetValue(replicas)}");
            }

            if (parse.GetValue(live) && parse.GetValue(replicas) > 1)
            {
                throw new CliUsageException($"--live serves one replica per teacher (a teacher network runs one shard at a time), got --replicas {parse.GetValue(replicas)}");
            }

            if (parse.GetValue(resume) is { } resumed && parse.GetValue(output) is { } other && Path.GetFullPath(resumed) != Path.GetFullPath(other))
            {
                throw new CliUsageException($"--resume {resumed} goes on in that folder; --out {other} names another");
            }

            var resumeDirectory = parse.GetValue(resume);
            if (resumeDirectory is not null && !Directory.Exists(resumeDirectory))
            {
                throw new CliUsageException($"--resume {resumeDirectory}: no such run folder");
            }

            var options = new NodeOptions(chosenRoles, NodeOptions.List(parse.GetValue(teachers)), parse.GetValue(replicas),
                resumeDirectory ?? parse.GetValue(output) ?? RunFolder.New(RepositoryRoot.Find()), resumeDirectory is not null, parse.GetValue(data),
                parse.GetValue(live), parse.GetValue(dashboard), group, parse.GetValue(peer), parse.GetValue(peerCount), parse.GetValue(seed));
            return await NodeRunner.RunAsync(loaded, settings, options, token).ConfigureAwait(false);
        }, token));
        return command;
    }
}
