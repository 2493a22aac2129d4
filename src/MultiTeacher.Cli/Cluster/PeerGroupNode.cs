using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using MultiTeacher.Actors;
using MultiTeacher.Cli.Commands;
using MultiTeacher.Cluster;
using MultiTeacher.Configuration;
using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Online;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Cli.Cluster;

/// <summary>
/// <c>mt node --roles student --peer-group NAME --peer K</c>: peer K of a codistillation group whose peers are separate
/// processes, on one machine or many. The group's settings are <c>multiteacher.online</c> (as for <c>mt online</c>,
/// with its first seed), so every process must read the same values; peer K is peer K of the in-process group.
/// Checkpoints travel on the fan-out exchange <c>PREFIX.broadcast.peers.NAME</c>, through a
/// <see cref="CheckpointRelay"/>: each process has its own queue on it (every checkpoint, in order, since lockstep
/// needs each exchange point's checkpoint); a process that joins late asks, and the others re-send their newest.
/// Writes <c>peers/ID.safetensors</c> and <c>peers/ID.json</c> into the output folder and exits 0 once trained.
/// </summary>
internal static class PeerGroupNode
{
    private static readonly TimeSpan s_statsTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The broadcast of group <paramref name="group"/> (without the transport's prefix).</summary>
    public static string BroadcastName(string group) => $"peers.{group}";

    public static async Task<int> RunAsync(HoconConfig tree, string group, int index, string nodeId, string? data, string baseDirectory, string outDirectory,
        ILoggerFactory logs, ILogger log, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var online = OnlineConfig.Read(tree, baseDirectory);
        var settings = online.Settings with { Seed = online.Seeds.Count > 0 ? online.Seeds[0] : 1, Codistill = true };
        if (index < 0 || index >= settings.Peers)
        {
            throw new CliUsageException($"--peer {index}: the group has {settings.Peers} peers (multiteacher.online.peers), numbered 0 to {settings.Peers - 1}");
        }

        var train = DatasetCatalog.Load(data, "train").FirstRows(online.TrainRows);
        var test = DatasetCatalog.Load(data, "test").FirstRows(online.TestRows);
        var request = new GroupRequest(group, online.Arch, train, settings)
        {
            Test = test,
            TeachersFor = OnlineExperiment.TeachersFor(online.Teachers, train),
            OnEpoch = e => log.LogInformation("{Peer} epoch {Epoch}/{Epochs}: test accuracy {Accuracy:P2}, loss {Loss:F4}", e.PeerId, e.Epoch + 1,
                settings.Epochs, e.TestAccuracy, e.MeanLoss),
        };
        var peerId = request.Ids[index];

        var cluster = ClusterSettings.FromConfig(tree);
        await using var transport = await RabbitMqTransport.ConnectAsync(cluster, nodeId, RegistrySink.PipelineRegistry(), logs.CreateLogger("transport"),
            cancellationToken).ConfigureAwait(false);
        // A peer that throws has lost its place in training: stop it (the run fails) rather than restart it half-trained.
        await using var system = new ActorSystem("mt", new ActorSystemOptions
        {
            Transport = transport, Node = nodeId, LoggerFactory = logs, GuardianSupervisorStrategy = new OneForOneStrategy(_ => Directive.Stop),
        });
        var broadcast = BroadcastName(group);
        var relay = system.ActorOf(CheckpointRelay.Props(peerId, transport.Broadcast(system, broadcast)), "checkpoints");
        await transport.SubscribeBroadcastAsync(broadcast, relay, lastValueOnly: false).ConfigureAwait(false);
        relay.Tell(RelayConnected.Instance);
        log.LogInformation("joined peer group {Group} as {Peer} ({Index} of {Peers}) on {Broker}: {Arch}, {Rows} training rows, seed {Seed}, " +
            "a checkpoint every {Every} steps, wait for peers {Wait}", group, peerId, index + 1, settings.Peers, cluster.Endpoint, online.Arch, train.Count,
            settings.Seed, settings.ExchangeEverySteps, settings.WaitForPeers);

        var report = await GroupMember.RunAsync(request, index, system, relay, cancellationToken).ConfigureAwait(false);
        // The final checkpoint tells the others that this peer is done: it must reach the broker before the process ends.
        await transport.FlushAsync().ConfigureAwait(false);
        var relayStats = await relay.Ask<RelayStats>(new GetStats(), s_statsTimeout, CancellationToken.None).ConfigureAwait(false);
        var file = PeerReportFile.From(group, index, settings, report, relayStats, transport.Counters, clock.Elapsed);
        var (weights, json) = file.Write(outDirectory);
        await Console.Out.WriteLineAsync(Summary(file, weights)).ConfigureAwait(false);
        return 0;
    }

    private static string Summary(PeerReportFile file, string weights) => string.Create(CultureInfo.InvariantCulture,
        $"{file.PeerId} of group {file.Group}: {file.Steps} steps, test accuracy {file.TestAccuracy:P2}; checkpoints sent {file.CheckpointsSent}, " +
        $"received {file.CheckpointsReceived} (ignored {file.CheckpointsIgnored}), staleness mean {file.StalenessMean} max {file.StalenessMax}; " +
        $"{file.Incidents.Count} incident(s); {file.ElapsedSeconds} s; wrote {weights}");
}
