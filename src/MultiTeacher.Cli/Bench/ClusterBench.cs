using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using MultiTeacher.Actors;
using MultiTeacher.Cli.Cluster;
using MultiTeacher.Cli.Commands;
using MultiTeacher.Cluster;
using MultiTeacher.Configuration;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Teachers;
using Spectre.Console;

namespace MultiTeacher.Cli.Bench;

/// <summary>
/// <c>mt bench cluster</c>: samples/s of soft targets (teacher logits) served over RabbitMQ by 1, 2, 4... teacher
/// processes, each a <see cref="TeacherActor"/> running the same seeded teacher live on its own copy of
/// Fashion-MNIST and consuming one work queue; the driver publishes <see cref="ShardRequest"/>s (row ids only) with a
/// bounded number in flight and consumes the <see cref="TeacherOutput"/>s. Beside every configuration the same teacher
/// is measured in this process without a broker (one <see cref="TeacherActor"/>, same shards, two in flight), in rounds
/// that alternate with the configuration's, so load from elsewhere on the machine hits both sides alike.
/// </summary>
internal static partial class ClusterBench
{
    /// <summary>The teacher measured when <c>--teacher</c> is not given (weights do not matter for speed).</summary>
    public const string DefaultTeacher = "mlp:784-1200-1200-10";

    /// <summary>Rows per shard unless <c>--shard-size</c> says otherwise: 160 KiB of logits per output message.</summary>
    public const int DefaultShardSize = 4096;

    /// <summary>The teacher id on the wire.</summary>
    public const string TeacherId = "bench-teacher";

    /// <summary>Requests each teacher has in hand at once: one computing, one waiting (the prefetch of its queue).</summary>
    private const int InFlightPerTeacher = 2;

    private const long PlannerSeed = 1;

    public static Command CreateCommand()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object per configuration instead of a table." };
        var seconds = new Option<double>("--seconds") { Description = "Seconds measured per configuration and side (split into rounds).", DefaultValueFactory = _ => 10.0 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds per configuration; they alternate between the broker and the in-process side.", DefaultValueFactory = _ => 3 };
        var shardSize = new Option<int>("--shard-size") { Description = "Rows per shard: one request and one output message each.", DefaultValueFactory = _ => DefaultShardSize };
        var processes = new Option<string>("--processes") { Description = "Teacher process counts to measure, comma-separated.", DefaultValueFactory = _ => "1,2,4" };
        var teacher = new Option<string>("--teacher") { Description = "The teacher's architecture string (freshly initialised, seeded).", DefaultValueFactory = _ => DefaultTeacher };
        var threads = new Option<int>("--threads")
        {
            Description = "GEMM threads of the in-process teacher and of a lone teacher process; several teacher processes use one each. " +
                "Default 1: on a 2-core machine the other core carries the broker and this driver.",
            DefaultValueFactory = _ => 1,
        };
        var uri = new Option<string?>("--uri") { Description = "Use this broker (amqp://user:password@host:port/) instead of a throwaway one; default MT_RABBITMQ_URI." };
        var data = CommonOptions.Data();
        var command = new Command("cluster", "Samples/s of teacher logits served over RabbitMQ by 1, 2 and 4 teacher processes, beside the same teacher " +
            "in this process; messages/s and bytes/s through the broker. Starts a throwaway broker unless --uri or MT_RABBITMQ_URI is given.")
        {
            json, seconds, rounds, shardSize, processes, teacher, threads, uri, data,
        };
        command.SetAction((parse, token) => CommandRunner.RunAsync(ct =>
        {
            if (parse.GetValue(threads) < 1)
            {
                throw new CliUsageException($"--threads must be at least 1, got {parse.GetValue(threads)}");
            }

            Gemm.Threads = parse.GetValue(threads);
            var options = new BenchOptions(parse.GetValue(json), TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(seconds))),
                Math.Max(1, parse.GetValue(rounds)), parse.GetValue(shardSize), ParseProcesses(parse.GetValue(processes)!), parse.GetValue(teacher)!, Gemm.Threads,
                parse.GetValue(uri) ?? NullIfEmpty(Environment.GetEnvironmentVariable(ClusterSettings.UriEnvironmentVariable)), parse.GetValue(data));
            if (options.ShardSize < 1)
            {
                throw new CliUsageException($"--shard-size must be at least 1, got {options.ShardSize}");
            }

            return RunAsync(options, ct);
        }, token));
        return command;
    }

    /// <summary>The settings of the bench's broker connections: cluster.hocon's, with <paramref name="uri"/> and <paramref name="prefix"/>.</summary>
    internal static ClusterSettings Settings(string? uri, string prefix)
    {
        var file = Path.Combine(RepositoryRoot.Find(), MultiTeacherConfiguration.DefaultFileName);
        var tree = MultiTeacherConfiguration.LoadTree(File.Exists(file) ? file : null, []);
        var environment = uri is null ? null : new Dictionary<string, string> { [ClusterSettings.UriEnvironmentVariable] = uri };
        return ClusterSettings.FromConfig(tree, environment) with { Prefix = prefix };
    }

    /// <summary>The shard plan every process of the bench uses.</summary>
    internal static ShardPlanner Planner(Dataset train, int shardSize) => new(train.Name, train.Count, PlannerSeed, shardSize);

    /// <summary>Warnings and errors on stderr, one line each.</summary>
    internal static ILoggerFactory WarningLogs() => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(LogLevel.Warning)
        .AddSimpleConsole(options => options.SingleLine = true)
        .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace));

    private sealed record BenchOptions(bool Json, TimeSpan Seconds, int Rounds, int ShardSize, IReadOnlyList<int> Processes, string Teacher,
        int Threads, string? Uri, string? Data)
    {
        /// <summary>The measured window of one round of one side.</summary>
        public TimeSpan Window => Seconds / Rounds;
    }

    private static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var train = DatasetCatalog.Load(options.Data, "train");
        var source = new ModelLogitSource(Model.Create(options.Teacher, ClusterBenchWorker.TeacherSeed), train);
        ClusterBenchWorker.WarmUp(source, train);
        var planner = Planner(train, options.ShardSize);

        await using var broker = options.Uri is null ? await StartBrokerAsync().ConfigureAwait(false) : null;
        var uri = options.Uri ?? broker!.Uri.ToString();
        var brokerPid = broker is null ? null : CpuMeter.FromPidFile(Path.Combine(broker.Directory, "pid"));
        var prefix = string.Create(CultureInfo.InvariantCulture, $"mtbench-{Environment.ProcessId}");
        var nodeId = string.Create(CultureInfo.InvariantCulture, $"bench-driver-{Environment.ProcessId}");
        using var logs = WarningLogs();
        await using var transport = await RabbitMqTransport.ConnectAsync(Settings(uri, prefix), nodeId, RegistrySink.PipelineRegistry(),
            logs.CreateLogger("transport"), cancellationToken).ConfigureAwait(false);
        var rows = new List<JsonObject>();
        var workerQueues = new List<string>();
        try
        {
            await using var system = new ActorSystem("bench", new ActorSystemOptions { Transport = transport, Node = nodeId, LoggerFactory = logs });
            await using var localSystem = new ActorSystem("bench-local");
            var localPump = localSystem.ActorOf(ShardPump.Props(planner, () => null), "pump");
            var localTeacher = localSystem.ActorOf(TeacherActor.Props(TeacherId, source, planner, localPump), "teacher");
            var local = new Side(localTeacher, localPump, InFlightPerTeacher, 1);
            foreach (var processes in options.Processes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var run = string.Create(CultureInfo.InvariantCulture, $"p{processes}");
                await using var teachers = await TeacherProcesses.StartAsync(processes, WorkerArgs(options, prefix, run, processes), uri, cancellationToken)
                    .ConfigureAwait(false);
                workerQueues.AddRange(teachers.Ids.Select(id => $"{prefix}.node.{ClusterBenchWorker.NodeId(id)}"));
                var remotePump = system.ActorOf(ShardPump.Props(planner, () => transport.Counters), $"pump-{run}");
                await transport.ConsumeWorkQueueAsync($"{run}.outputs", remotePump, (ushort)(4 * InFlightPerTeacher * processes)).ConfigureAwait(false);
                var remote = new Side(transport.WorkQueue(system, $"{run}.requests"), remotePump, InFlightPerTeacher * processes, processes);

                // Rounds alternate between the two sides, so that load from elsewhere on the machine hits both alike.
                var inProcess = new Totals();
                var cluster = new Totals();
                for (var round = 0; round < options.Rounds; round++)
                {
                    inProcess.Add(await RoundAsync(local, $"{run}-local-{round}", options, teachers.FirstExit, teachers, cancellationToken).ConfigureAwait(false));
                    var roundId = $"{run}-{round}";
                    cluster.Add(await cluster.MeterAsync(() => RoundAsync(remote, roundId, options, teachers.FirstExit, teachers, cancellationToken),
                        teachers.Ids, brokerPid).ConfigureAwait(false));
                }

                system.Stop(remotePump);
                rows.Add(Row(options, processes, cluster, inProcess));
                Emit(options, rows[^1]);
            }
        }
        finally
        {
            await DeleteQueuesAsync(transport, workerQueues).ConfigureAwait(false);
        }

        if (!options.Json)
        {
            WriteTable(options, rows);
        }

        return 0;
    }

    private static IReadOnlyList<int> ParseProcesses(string text)
    {
        var counts = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > 64)
            {
                throw new CliUsageException($"--processes takes counts from 1 to 64 separated by commas, got '{text}'");
            }

            counts.Add(count);
        }

        return counts.Count > 0 ? counts : throw new CliUsageException("--processes names no process count");
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
