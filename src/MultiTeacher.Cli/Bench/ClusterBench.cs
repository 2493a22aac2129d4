using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using MultiTeacher.Cli.Commands;
using MultiTeacher.Cluster;
using MultiTeacher.Cluster.Runs;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Teachers;
using MultiTeacher.Core.Torch;
using MultiTeacher.Distillation;
using MultiTeacher.Distillation.Experiments;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Cli.Bench;

/// <summary>
/// <c>mt bench cluster</c>: soft targets of one live teacher network (seeded, freshly initialised, written to a
/// safetensors file in the bench's folder) served over Akka.Remote by N teacher processes (<c>mt node --roles teacher
/// --live</c> on loopback, which load it by the run's recipe) beside the same network served by N replicas in this
/// process, on the same shard plan over Fashion-MNIST's training rows. Rounds alternate between the two sides, so
/// that load from elsewhere on the machine hits both alike. The student is replaced by a sink that counts outputs and
/// marks each shard trained at once.
/// </summary>
internal static class ClusterBench
{
    /// <summary>The teacher measured when <c>--teacher</c> is not given (weights do not matter for speed).</summary>
    public const string DefaultTeacher = "mlp:784-1200-1200-10";

    private const string TeacherId = "bench-teacher";

    public static Command CreateCommand()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object per row instead of text." };
        var processes = new Option<string>("--processes") { Description = "Teacher process counts to measure.", DefaultValueFactory = _ => "1,2,4" };
        var rounds = new Option<int>("--rounds") { Description = "Measured rounds per row and side, alternating (after one warm-up round each).", DefaultValueFactory = _ => 3 };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training rows per round.", DefaultValueFactory = _ => 1 };
        var teacher = new Option<string>("--teacher") { Description = "The teacher's architecture (freshly initialised, seeded).", DefaultValueFactory = _ => DefaultTeacher };
        var threads = new Option<int>("--threads")
        {
            Description = "Intra-op threads of the in-process teacher and of each teacher process (default 1: on 2 cores the other carries the coordinator).",
            DefaultValueFactory = _ => 1,
        };
        var shardSize = new Option<int>("--shard-size") { Description = "Rows per shard: one request and one output message each.", DefaultValueFactory = _ => 4096 };
        var data = CommonOptions.Data();
        var command = new Command("cluster", "Soft targets of a live teacher network served by N teacher processes over Akka.Remote beside the same network " +
            "in-process; samples/s, their ratio (goal at 1 process: ≥ 0.9), messages/s and bytes/s.") { json, processes, rounds, epochs, teacher, threads, shardSize, data };
        command.SetAction((parse, token) => CommandRunner.RunAsync(t =>
        {
            var options = new BenchOptions(parse.GetValue(json), Counts(parse.GetValue(processes)!), Positive("--rounds", parse.GetValue(rounds)),
                Positive("--epochs", parse.GetValue(epochs)), Architecture.Parse(parse.GetValue(teacher)!).ToString(), Positive("--threads", parse.GetValue(threads)),
                Positive("--shard-size", parse.GetValue(shardSize)), parse.GetValue(data));
            return RunAsync(options, t);
        }, token));
        return command;
    }

    private sealed record BenchOptions(bool Json, IReadOnlyList<int> Processes, int Rounds, int Epochs, string Teacher, int Threads, int ShardSize, string? Data);

    private static int Positive(string option, int value) => value >= 1 ? value : throw new CliUsageException($"{option} must be at least 1, got {value}");

    private static IReadOnlyList<int> Counts(string text) =>
        Cluster.NodeOptions.List(text).Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n
            : throw new CliUsageException($"--processes takes positive numbers separated by commas, got '{text}'")).ToList();

    private static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("mt-bench-cluster-").FullName;
        try
        {
            TorchRuntime.Threads = options.Threads;
            var settings = new DistillationSettings { Epochs = options.Epochs, Seed = 1, ShardSize = options.ShardSize, MaxShardsInFlight = 16, ReplicaInFlight = 2 };
            var weights = Path.Combine(folder, TeacherId + ".safetensors");
            using (var model = Model.Create(options.Teacher, 7))
            {
                ModelCheckpoint.Save(model, weights);
            }

            var recipe = new DistillRequest { Teachers = [weights], Settings = settings, ValidationRows = 5000 };
            var prepared = PreparedRun.Create(recipe, options.Data, SilentProgress.Instance, cancellationToken, _ => false);
            var config = CliConfiguration.Load();
            var node = ClusterNode.Start(ClusterNodeSettings.From(config) with
            {
                Hostname = "127.0.0.1", Port = 0, SeedNodes = [], Roles = ["coordinator", "aggregator", "student"],
            }, config.Config);
            try
            {
                await node.WhenUp(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                foreach (var n in options.Processes)
                {
                    var (local, remote) = await TeacherProcesses.WithAsync(node, n, options.Threads, options.Data, folder,
                        () => RoundsAsync(node, n, options.Rounds, recipe, prepared, cancellationToken), cancellationToken).ConfigureAwait(false);
                    Report(options.Json, n, local, remote);
                }
            }
            finally
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }

            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// One warm-up round per side, then <paramref name="rounds"/> measured rounds alternating in-process (<paramref name="n"/>
    /// replicas, each with its own copy of the network) and remote (the <paramref name="n"/> teacher processes).
    /// </summary>
    private static async Task<((double Seconds, ServingTotals Totals) Local, (double Seconds, ServingTotals Totals) Remote)> RoundsAsync(ClusterNode node, int n,
        int rounds, DistillRequest recipe, PreparedRun prepared, CancellationToken cancellationToken)
    {
        var settings = recipe.Settings;
        var (localSeconds, localTotals, remoteSeconds, remoteTotals) = (0.0, new ServingTotals(0, 0, 0), 0.0, new ServingTotals(0, 0, 0));
        for (var round = -1; round < rounds; round++)
        {
            var sources = Enumerable.Range(0, n).Select(_ => new NetworkLogitSource(TeacherLoader.Load(recipe.Teachers[0]), prepared.Train)).ToList();
            try
            {
                var local = await MeasureAsync(node, $"local-{n}-{round + 1}", prepared.Planner, settings, n, (sink, gate) =>
                    sources.ForEach(s => node.System.ActorOf(TeacherActor.Props(TeacherId, s, prepared.Planner, sink, gate, settings.ReplicaInFlight))),
                    cancellationToken).ConfigureAwait(false);
                var runId = $"remote-{n}-{round + 1}";
                var remote = await MeasureAsync(node, runId, prepared.Planner, settings, n, (sink, gate) => Announce(node, runId, recipe, prepared, sink, gate),
                    cancellationToken).ConfigureAwait(false);
                if (round >= 0)
                {
                    (localSeconds, localTotals) = (localSeconds + local.Seconds, localTotals.Plus(local.Totals));
                    (remoteSeconds, remoteTotals) = (remoteSeconds + remote.Seconds, remoteTotals.Plus(remote.Totals));
                }
            }
            finally
            {
                sources.ForEach(s => s.Dispose());
            }
        }

        return ((localSeconds, localTotals), (remoteSeconds, remoteTotals));
    }

    private static void Announce(ClusterNode node, string runId, DistillRequest recipe, PreparedRun prepared, IActorRef sink, IActorRef gate)
    {
        var draft = new RunAnnouncementDraft(runId, [new AnnouncedTeacher(TeacherId, ClusterRun.Sha256(recipe.Teachers[0]))], prepared.Planner,
            recipe.Settings.ReplicaInFlight, recipe);
        node.System.ActorOf(RunRegistrar.Props(draft, new RunEndpoints(gate, sink), DistributedPubSub.Get(node.System).Mediator), "run-" + runId);
    }

    /// <summary>One run: replicas started by <paramref name="start"/>; timed from the moment all <paramref name="replicas"/> registered to its end.</summary>
    private static async Task<(double Seconds, ServingTotals Totals)> MeasureAsync(ClusterNode node, string runId, ShardPlanner planner, DistillationSettings settings,
        int replicas, Action<IActorRef, IActorRef> start, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<ServingTotals>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = node.System.ActorOf(ServingSink.Props(runId, 1, done));
        var coordinator = node.System.ActorOf(ShardCoordinator.Props(runId, planner, settings, [TeacherId], sink));
        sink.Tell(new SinkCoordinator(coordinator));
        var gate = node.System.ActorOf(BeginGate.Props(coordinator));
        start(sink, gate);
        var waiting = Stopwatch.StartNew();
        while ((await coordinator.Ask<CoordinatorStats>(GetStats.Instance, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false)).Replicas < replicas)
        {
            if (waiting.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new InvalidOperationException($"{runId}: fewer than {replicas} teacher replicas registered within 120 s");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        var clock = Stopwatch.StartNew();
        coordinator.Tell(new BeginRun(sink));
        var totals = await done.Task.WaitAsync(TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        foreach (var actor in new[] { sink, coordinator, gate })
        {
            node.System.Stop(actor);
        }

        var registrar = node.System.ActorSelection("/user/run-" + runId);
        registrar.Tell(PoisonPill.Instance);
        return (seconds, totals);
    }

    private static void Report(bool json, int processes, (double Seconds, ServingTotals Totals) local, (double Seconds, ServingTotals Totals) remote)
    {
        var samples = remote.Totals.Rows / remote.Seconds;
        var inProcess = local.Totals.Rows / local.Seconds;
        var row = new JsonObject
        {
            ["processes"] = processes,
            ["samples_per_s"] = Math.Round(samples),
            ["in_process_samples_per_s"] = Math.Round(inProcess),
            ["ratio"] = Math.Round(samples / inProcess, 3),
            ["messages_per_s"] = Math.Round(remote.Totals.Messages / remote.Seconds, 1),
            ["bytes_per_s"] = Math.Round(remote.Totals.Bytes / remote.Seconds),
        };
        Console.WriteLine(json ? row.ToJsonString() : string.Create(CultureInfo.InvariantCulture,
            $"{processes} teacher process(es): {samples:N0} samples/s over Akka.Remote, {inProcess:N0} in-process ({samples / inProcess:0.00}×); " +
            $"{remote.Totals.Messages / remote.Seconds:N0} messages/s, {remote.Totals.Bytes / remote.Seconds / 1e6:0.0} MB/s"));
    }
}
