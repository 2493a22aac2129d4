using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using MultiTeacher.Cli.Commands;
using MultiTeacher.Cluster;
using MultiTeacher.Cluster.Runs;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Distillation;
using MultiTeacher.Distillation.Experiments;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Cli.Bench;

/// <summary>
/// <c>mt bench cluster</c>: soft targets served over Akka.Remote by N teacher processes (<c>mt node --roles teacher</c>
/// on loopback) beside the same teacher served by N replicas in this process, on the same shard plan: Fashion-MNIST's
/// training rows in shards of 1,024, a teacher pass of cached logits (so the wire, not the network, is measured). The
/// student is replaced by a sink that counts outputs and marks each shard trained at once.
/// </summary>
internal static class ClusterBench
{
    private const string TeacherId = "bench-teacher";

    public static Command CreateCommand()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object per row instead of text." };
        var processes = new Option<string>("--processes") { Description = "Teacher process counts to measure.", DefaultValueFactory = _ => "1,2,4" };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training rows per measurement.", DefaultValueFactory = _ => 20 };
        var data = CommonOptions.Data();
        var command = new Command("cluster", "Soft targets served by N teacher processes over Akka.Remote beside the same teacher in-process; " +
            "samples/s, their ratio (goal at 1 process: ≥ 0.9), messages/s and bytes/s.") { json, processes, epochs, data };
        command.SetAction((parse, token) => CommandRunner.RunAsync(t => RunAsync(parse.GetValue(json), Counts(parse.GetValue(processes)!),
            Math.Max(1, parse.GetValue(epochs)), parse.GetValue(data), t), token));
        return command;
    }

    private static IReadOnlyList<int> Counts(string text) =>
        NodeOptionsList(text).Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n
            : throw new CliUsageException($"--processes takes positive numbers separated by commas, got '{text}'")).ToList();

    private static IReadOnlyList<string> NodeOptionsList(string text) => Cluster.NodeOptions.List(text);

    private static async Task<int> RunAsync(bool json, IReadOnlyList<int> counts, int epochs, string? dataDirectory, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("mt-bench-cluster-").FullName;
        try
        {
            var settings = new DistillationSettings { Epochs = epochs, Seed = 1, ShardSize = 1024, MaxShardsInFlight = 16, ReplicaInFlight = 2 };
            var train = DatasetCatalog.Load(dataDirectory, "train");
            var logits = Path.Combine(folder, TeacherId + ".npy");
            var rng = new Rng(7);
            Npy.Write(logits, Enumerable.Range(0, train.Count * train.Classes).Select(_ => (float)rng.NextGaussian() * 3f).ToArray(), train.Count, train.Classes);
            var recipe = new DistillRequest { TeacherLogits = [logits], Settings = settings, ValidationRows = 5000 };
            var prepared = PreparedRun.Create(recipe, dataDirectory, SilentProgress.Instance, cancellationToken);
            var table = prepared.Teachers.Single().Train!;
            var config = CliConfiguration.Load();
            var node = ClusterNode.Start(ClusterNodeSettings.From(config) with
            {
                Hostname = "127.0.0.1", Port = 0, SeedNodes = [], Roles = ["coordinator", "aggregator", "student"],
            }, config.Config);
            try
            {
                await node.WhenUp(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                foreach (var n in counts)
                {
                    var local = await MeasureAsync(node, $"local-{n}", prepared.Planner, settings, n, (sink, gate) =>
                    {
                        for (var r = 0; r < n; r++)
                        {
                            node.System.ActorOf(TeacherActor.Props(TeacherId, new CachedLogitSource(table), prepared.Planner, sink, gate, settings.ReplicaInFlight));
                        }
                    }, cancellationToken).ConfigureAwait(false);
                    var remote = await WithTeacherProcessesAsync(node, n, dataDirectory, folder, async () =>
                    {
                        // A short run first: every process reads the data and the teacher (kept per recipe), then the measured one.
                        var warm = recipe with { Settings = settings with { Epochs = 1 } };
                        await MeasureAsync(node, $"warm-{n}", prepared.Planner, warm.Settings, n, (sink, gate) => Announce(node, $"warm-{n}", warm, prepared, sink, gate),
                            cancellationToken).ConfigureAwait(false);
                        return await MeasureAsync(node, $"remote-{n}", prepared.Planner, settings, n, (sink, gate) => Announce(node, $"remote-{n}", recipe, prepared, sink, gate),
                            cancellationToken).ConfigureAwait(false);
                    }, cancellationToken).ConfigureAwait(false);
                    Report(json, n, local, remote);
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

    private static void Announce(ClusterNode node, string runId, DistillRequest recipe, PreparedRun prepared, IActorRef sink, IActorRef gate)
    {
        var draft = new RunAnnouncementDraft(runId, [new AnnouncedTeacher(TeacherId, ClusterRun.Sha256(recipe.TeacherLogits[0]))], prepared.Planner,
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

    /// <summary>Starts <paramref name="count"/> teacher processes that join <paramref name="node"/>, runs <paramref name="body"/>, and stops them (SIGTERM).</summary>
    private static async Task<T> WithTeacherProcessesAsync<T>(ClusterNode node, int count, string? dataDirectory, string folder, Func<Task<T>> body,
        CancellationToken cancellationToken)
    {
        var processes = new List<Process>();
        var logs = new List<FileStream>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var arg in (string[])[typeof(ClusterBench).Assembly.Location, "node", "--roles", "teacher", "--hostname", "127.0.0.1", "--port", "0",
                    "--seed-nodes", node.Address.ToString(), "--threads", "1", .. dataDirectory is null ? (string[])[] : ["--data", dataDirectory]])
                {
                    start.ArgumentList.Add(arg);
                }

                var process = Process.Start(start)!;
                var log = Path.Combine(folder, $"row-{count}-teacher-{processes.Count}");
                logs.AddRange([File.Create(log + ".out"), File.Create(log + ".err")]);
                _ = process.StandardOutput.BaseStream.CopyToAsync(logs[^2], CancellationToken.None);
                _ = process.StandardError.BaseStream.CopyToAsync(logs[^1], CancellationToken.None);
                processes.Add(process);
            }

            var clock = Stopwatch.StartNew();
            while (node.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up && m.HasRole("teacher")) < count)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(90) || processes.Any(p => p.HasExited))
                {
                    throw new InvalidOperationException($"{count} teacher process(es) did not join within 90 s (logs in {folder})");
                }

                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }

            return await body().ConfigureAwait(false);
        }
        finally
        {
            foreach (var process in processes.Where(p => !p.HasExited))
            {
                using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }

            foreach (var process in processes)
            {
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill();
                }

                process.Dispose();
            }

            await Task.Delay(200, CancellationToken.None).ConfigureAwait(false); // the copies reach the end of the pipes
            logs.ForEach(l => l.Dispose());

            // The departed nodes are removed before the next row counts its teachers.
            while (node.Cluster.State.Members.Any(m => m.HasRole("teacher")))
            {
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
            }
        }
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
