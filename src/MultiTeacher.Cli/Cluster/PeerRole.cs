using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using MultiTeacher.Cluster;
using MultiTeacher.Cluster.Checkpoints;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Online;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Reports;

namespace MultiTeacher.Cli.Cluster;

/// <summary>
/// A codistillation peer in its own process (<c>mt node --roles student --peer-group NAME --peer K</c>): peer K of the
/// group that <c>mt online</c> would train in one process from the same <c>multiteacher.online</c> settings and seed
/// (its partition, initial weights and data order), exchanging checkpoints with the other peer nodes on the
/// DistributedPubSub topic <c>checkpoints-NAME</c> (<see cref="ClusterCheckpointHub"/>). A partner that dies is
/// noticed at an exchange point after <c>peer-timeout</c> (lockstep) and its last checkpoint is used until it is more
/// than <c>max-staleness</c> steps old; the peer goes on alone and says so. Writes <c>peer-K.safetensors</c> and
/// <c>summary.json</c> in its <c>--out</c> folder.
/// </summary>
internal static class PeerRole
{
    /// <summary>How long a finished peer waits for its hub's counters.</summary>
    private static readonly TimeSpan s_statsTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// What a peer node sets over the configuration: it is Up (and trains) only once <paramref name="peers"/> student
    /// nodes have joined, so the group starts together; and being downed by the Split Brain Resolver (a partner died:
    /// with no coordinator node the shipped <c>keep-oldest</c> on role coordinator downs every node) leaves its
    /// ActorSystem running, so it goes on alone and finishes.
    /// </summary>
    public static Config ClusterConfig(int peers) => ConfigurationFactory.ParseString(string.Create(CultureInfo.InvariantCulture, $"""
        akka.cluster.role.student.min-nr-of-members = {peers}
        akka.cluster.run-coordinated-shutdown-when-down = off
        """));

    /// <summary>The group's request: <c>multiteacher.online</c> with the node's <c>--peers</c> and <c>--seed</c> over it, checked.</summary>
    public static OnlineRequest Request(OnlineRequest configured, NodeOptions options)
    {
        var peers = options.Peers ?? configured.Settings.Peers;
        if (peers < 2)
        {
            throw new Commands.CliUsageException($"a peer group needs at least 2 peers, got {peers} (--peers or multiteacher.online.peers)");
        }

        if (options.Peer is not { } k || k < 0 || k >= peers)
        {
            throw new Commands.CliUsageException($"--peer must be one of 0..{peers - 1} for a group of {peers} peers, got {options.Peer?.ToString(CultureInfo.InvariantCulture) ?? "none"}");
        }

        var seed = options.Seed ?? (configured.Seeds.Count > 0 ? configured.Seeds[0] : 1);
        var request = configured with { Settings = configured.Settings with { Peers = peers, Seed = seed, Codistill = true }, Seeds = [seed] };
        request.Settings.Validate();
        return request;
    }

    /// <summary>Trains the peer on <paramref name="node"/> and writes its file and summary; returns the exit code.</summary>
    public static async Task<int> RunAsync(ClusterNode node, OnlineRequest request, string? dataDirectory, NodeOptions options, CancellationToken cancellationToken)
    {
        var group = options.PeerGroup!;
        var index = options.Peer!.Value;
        var clock = Stopwatch.StartNew();
        var (train, test) = request.LoadData(dataDirectory);
        var arch = Architecture.ForData(request.Arch, train.SampleShape, train.Classes).Text;
        var settings = request.Settings;
        var name = $"peer {index} of group {group}";
        var groupRequest = new GroupRequest(group, arch, train, settings)
        {
            Test = test,
            TeachersFor = OnlineExperiment.TeachersFor(request.Teachers, train, request.TeacherOptions),
            OnEpoch = e => Console.Error.WriteLine($"mt node: {name}: epoch {e.Epoch + 1}/{settings.Epochs} (step {e.Step}): test accuracy {e.TestAccuracy:P2}"),
            OnIncident = i => Console.Error.WriteLine($"mt node: {name}: {i.Text}"),
        };
        var memberId = groupRequest.Ids[index];
        var hub = node.System.ActorOf(ClusterCheckpointHub.Props(memberId, group, DistributedPubSub.Get(node.System).Mediator), "peer-checkpoints");
        try
        {
            await hub.Ask<GroupAssembled>(new AwaitGroup(groupRequest.Ids), NodeRunner.JoinTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            throw new InvalidOperationException($"{name}: the group's {settings.Peers} peers did not all hear each other on the topic " +
                $"{ClusterCheckpointHub.TopicOf(group)} within {NodeRunner.JoinTimeout.TotalSeconds:0} s (is every peer node started with --peer-group {group}?)");
        }

        var rows = PeerPartitions.Create(train.Count, settings.Peers, settings.Partitioning)[index].Length;
        Console.Error.WriteLine($"mt node: {name} ({memberId}, {arch}, seed {settings.Seed}, {settings.Epochs} epoch(s)) trains on its {rows} of {train.Count} rows; " +
            $"the group hears each other on topic {ClusterCheckpointHub.TopicOf(group)}; checkpoints every {settings.ExchangeEverySteps} steps");
        var report = await GroupMember.RunAsync(groupRequest, index, node.System, hub, cancellationToken).ConfigureAwait(false);
        var stats = await hub.Ask<RelayStats>(GetStats.Instance, s_statsTimeout, cancellationToken).ConfigureAwait(false);
        var elapsed = clock.Elapsed;

        Directory.CreateDirectory(options.OutDirectory);
        var studentFile = Path.Combine(options.OutDirectory, $"peer-{index}.safetensors");
        var accuracy = report.History.Count == 0 ? double.NaN : report.History[^1].TestAccuracy;
        var model = Model.Create(report.Arch, 0);
        model.SetWeights(report.Weights);
        ModelCheckpoint.Save(model, studentFile, new Dictionary<string, string>
        {
            ["dataset"] = request.Data?.Name ?? DatasetCatalog.FashionMnist,
            ["seed"] = settings.Seed.ToString(CultureInfo.InvariantCulture),
            ["mode"] = "codistilled",
            ["peer_group"] = group,
            ["peer"] = index.ToString(CultureInfo.InvariantCulture),
            ["test_accuracy"] = accuracy.ToString("R", CultureInfo.InvariantCulture),
        });
        var stepsPerEpoch = (report.Rows + settings.BatchSize - 1) / settings.BatchSize;
        var summary = new PeerNodeSummary(group, index, node.Address.ToString(), settings.Seed,
            new DatasetSummary(request.Data?.Name ?? DatasetCatalog.FashionMnist, train.Count, 0, test.Count, test.Classes),
            new OnlineSettingsSummary(arch, settings.Peers, settings.Partitioning.ToString().ToLowerInvariant(), settings.ExchangeEverySteps,
                settings.BurnInStepsFor(stepsPerEpoch), settings.MaxStalenessSteps, "optimizer steps of the receiving peer (its step − the checkpoint's step)",
                settings.WaitForPeers, settings.Temperature, settings.Alpha, settings.Epochs, settings.BatchSize, settings.LearningRate, [settings.Seed],
                request.Teachers, "last epoch"),
            new OnlinePeerSummary(report.PeerId, report.Rows, report.Steps, accuracy,
                report.History.Select(h => new PeerEpochSummary(h.Epoch + 1, h.Step, h.TestAccuracy, Math.Round(h.MeanLoss, 5))).ToList(),
                report.CheckpointsSent, report.CheckpointsReceived, report.CheckpointsIgnored, report.DistilledSteps, Math.Round(report.StalenessMean, 2),
                report.StalenessMax),
            new PeerRelaySummary(stats.Published, stats.Resent, stats.Received, stats.Forwarded, stats.Dropped),
            report.Incidents, studentFile, Math.Round(elapsed.TotalSeconds, 1));
        var summaryFile = Path.Combine(options.OutDirectory, "summary.json");
        summary.Write(summaryFile);
        Console.Error.WriteLine($"mt node: {name} finished in {elapsed.TotalSeconds:0.0} s: test accuracy {accuracy:P2}, " +
            $"{report.CheckpointsSent} checkpoint(s) sent, {report.CheckpointsReceived} received" +
            (report.Incidents.Count > 0 ? $", {report.Incidents.Count} incident(s) (partners silent or too stale; see summary.json)" : ""));
        Console.WriteLine(studentFile);
        Console.WriteLine(summaryFile);
        DownUnreachable(node);
        return 0;
    }

    /// <summary>
    /// Downs the members this node can no longer reach (partners that died) before it leaves: a node cannot leave
    /// gracefully while another member is unreachable (no convergence), and this peer does not need them any more.
    /// </summary>
    private static void DownUnreachable(ClusterNode node)
    {
        foreach (var member in node.Cluster.State.Unreachable)
        {
            Console.Error.WriteLine($"mt node: downing unreachable member {member.Address} before leaving");
            node.Cluster.Down(member.Address);
        }
    }
}
