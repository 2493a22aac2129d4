using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using MultiTeacher.Actors;
using MultiTeacher.Cli.Cluster;
using MultiTeacher.Cli.Commands;
using MultiTeacher.Cluster;
using MultiTeacher.Cluster.Testing;
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

    /// <summary>How much longer than its window a round may take (warm-up, drain, a slow machine) before the bench gives up.</summary>
    private static readonly TimeSpan s_roundGrace = TimeSpan.FromMinutes(2);

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

    /// <summary>Rows, time and broker traffic summed over the rounds of one side of one configuration.</summary>
    private sealed class Totals
    {
        private double _wall;
        private double _driverCpu;
        private double _teachersCpu;
        private double _brokerCpu;

        public long Rows { get; private set; }

        public long Shards { get; private set; }

        public double Seconds { get; private set; }

        public long Messages { get; private set; }

        public long Bytes { get; private set; }

        /// <summary>Cores used (CPU seconds per second of the rounds, warm-up and drain included) by the driver, the teachers and the broker.</summary>
        public (double Driver, double Teachers, double Broker) Cores => _wall > 0 ? (_driverCpu / _wall, _teachersCpu / _wall, _brokerCpu / _wall) : default;

        public double SamplesPerSecond => Rows / Seconds;

        /// <summary>Measures the CPU time of the processes named while <paramref name="round"/> runs.</summary>
        public async Task<PumpResult> MeterAsync(Func<Task<PumpResult>> round, IReadOnlyList<int> teachers, int? broker)
        {
            var start = Stopwatch.GetTimestamp();
            var driver = CpuMeter.Seconds(Environment.ProcessId);
            var teachersCpu = CpuMeter.Seconds(teachers);
            var brokerCpu = broker is { } b ? CpuMeter.Seconds(b) : 0;
            var result = await round().ConfigureAwait(false);
            _driverCpu += CpuMeter.Seconds(Environment.ProcessId) - driver;
            _teachersCpu += CpuMeter.Seconds(teachers) - teachersCpu;
            _brokerCpu += broker is { } c ? CpuMeter.Seconds(c) - brokerCpu : 0;
            _wall += Stopwatch.GetElapsedTime(start).TotalSeconds;
            return result;
        }

        public void Add(PumpResult round)
        {
            Rows += round.Rows;
            Shards += round.Shards;
            Seconds += round.Seconds;
            if (round.Before is { } before && round.After is { } after)
            {
                // Every request goes through the broker once (published here, delivered to a teacher) and every output
                // once (published by a teacher, delivered here): the driver's counters see each message once.
                Messages += after.Published - before.Published + (after.Delivered - before.Delivered);
                Bytes += after.BytesOut - before.BytesOut + (after.BytesIn - before.BytesIn);
            }
        }
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

    /// <summary>Removes the bench's queues from the broker (they matter on a broker given by --uri); a failure here is only reported.</summary>
    private static async Task DeleteQueuesAsync(RabbitMqTransport transport, List<string> workerQueues)
    {
        try
        {
            await transport.DeleteAllAsync([.. workerQueues]).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException or RabbitMQ.Client.Exceptions.RabbitMQClientException)
        {
            await Console.Error.WriteLineAsync($"mt: warning: the bench's queues ({transport.Settings.Prefix}.*) could not be deleted: {exception.Message}")
                .ConfigureAwait(false);
        }
    }

    /// <summary>A teacher (an actor, or a work queue served by teacher processes) and the pump feeding it.</summary>
    private sealed record Side(IActorRef Teacher, IActorRef Pump, int InFlight, int Teachers);

    private static async Task<PumpResult> RoundAsync(Side side, string roundId, BenchOptions options, Task teachersExited, TeacherProcesses teachers,
        CancellationToken cancellationToken)
    {
        // Every round starts on idle teachers (the previous one waited for its last answers); the warm-up lets each
        // teacher answer about once before the window opens.
        var plan = new PumpPlan(side.InFlight, TimeSpan.FromSeconds(0.2), side.Teachers, options.Window);
        var done = new TaskCompletionSource<PumpResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        side.Pump.Tell(new StartPump(side.Teacher, roundId, plan, done));
        var limit = options.Window + s_roundGrace;
        Task finished;
        try
        {
            finished = await Task.WhenAny(done.Task, teachersExited).WaitAsync(limit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"a round of {side.Teachers} teacher(s) did not end within {limit.TotalSeconds:F0} s: {teachers.Errors()}");
        }

        return finished == done.Task
            ? await done.Task.ConfigureAwait(false)
            : throw new InvalidOperationException($"a teacher process ended during the measurement: {teachers.Errors()}");
    }

    private static string[] WorkerArgs(BenchOptions options, string prefix, string run, int processes) =>
    [
        "--prefix", prefix, "--requests", $"{run}.requests", "--outputs", $"{run}.outputs", "--teacher", options.Teacher,
        "--shard-size", options.ShardSize.ToString(CultureInfo.InvariantCulture),
        "--threads", ThreadsPerProcess(options, processes).ToString(CultureInfo.InvariantCulture),
        "--prefetch", InFlightPerTeacher.ToString(CultureInfo.InvariantCulture),
        .. options.Data is null ? Array.Empty<string>() : ["--data", options.Data],
    ];

    /// <summary>A lone teacher process gets the threads of the in-process side; several share the cores with one each.</summary>
    private static int ThreadsPerProcess(BenchOptions options, int processes) => processes == 1 ? options.Threads : 1;

    private static async Task<BrokerProcess> StartBrokerAsync()
    {
        if (!File.Exists(BrokerProcess.ServerPath))
        {
            throw new CliUsageException($"rabbitmq-server is not installed ({BrokerProcess.ServerPath} is missing): apt-get install rabbitmq-server " +
                "(./mt test installs it), or point --uri or MT_RABBITMQ_URI at a running broker");
        }

        if (!string.Equals(Environment.UserName, "root", StringComparison.Ordinal))
        {
            throw new CliUsageException("starting a throwaway RabbitMQ broker needs root (Debian's rabbitmq-server switches to the rabbitmq user): " +
                "run as root, or point --uri or MT_RABBITMQ_URI at a running broker");
        }

        try
        {
            return await BrokerProcess.StartAsync().ConfigureAwait(false);
        }
        catch (TimeoutException exception)
        {
            throw new InvalidOperationException($"the throwaway RabbitMQ broker did not start: {exception.Message}", exception);
        }
    }

    private static JsonObject Row(BenchOptions options, int processes, Totals cluster, Totals inProcess) => new()
    {
        ["bench"] = "cluster",
        ["teacher"] = options.Teacher,
        ["processes"] = processes,
        ["gemm_threads_per_process"] = ThreadsPerProcess(options, processes),
        ["shard_size"] = options.ShardSize,
        ["in_flight"] = InFlightPerTeacher * processes,
        ["samples_per_s"] = Math.Round(cluster.SamplesPerSecond, 1),
        ["in_process_samples_per_s"] = Math.Round(inProcess.SamplesPerSecond, 1),
        ["in_process_gemm_threads"] = options.Threads,
        ["ratio"] = Math.Round(cluster.SamplesPerSecond / inProcess.SamplesPerSecond, 3),
        ["messages_per_s"] = Math.Round(cluster.Messages / cluster.Seconds, 1),
        ["bytes_per_s"] = Math.Round(cluster.Bytes / cluster.Seconds),
        ["cores_driver"] = Math.Round(cluster.Cores.Driver, 2),
        ["cores_teachers"] = Math.Round(cluster.Cores.Teachers, 2),
        ["cores_broker"] = options.Uri is null ? Math.Round(cluster.Cores.Broker, 2) : null,
        ["shards"] = cluster.Shards,
        ["seconds"] = Math.Round(cluster.Seconds, 2),
        ["rounds"] = options.Rounds,
        ["cores"] = Environment.ProcessorCount,
        ["load_average_1m"] = LoadAverage(),
    };

    private static void Emit(BenchOptions options, JsonObject row)
    {
        if (options.Json)
        {
            Console.WriteLine(row.ToJsonString());
            return;
        }

        Console.Error.WriteLine($"mt: {row["processes"]} teacher process(es): {row["samples_per_s"]} samples/s over RabbitMQ, " +
            $"{row["in_process_samples_per_s"]} in-process");
    }

    private static void WriteTable(BenchOptions options, List<JsonObject> rows)
    {
        var table = new Table().AddColumns("processes", "samples/s", "in-process/s", "ratio", "msgs/s", "MB/s", "CPU driver/teachers/broker", "load");
        foreach (var row in rows)
        {
            table.AddRow(
                Text(row["processes"]),
                $"{(double)row["samples_per_s"]!:N0}",
                $"{(double)row["in_process_samples_per_s"]!:N0}",
                $"{(double)row["ratio"]!:F2}",
                $"{(double)row["messages_per_s"]!:N1}",
                $"{(double)row["bytes_per_s"]! / 1e6:N2}",
                $"{Cores(row["cores_driver"])} {Cores(row["cores_teachers"])} {Cores(row["cores_broker"])}",
                Text(row["load_average_1m"]));
        }

        table.Caption($"teacher {options.Teacher}, shards of {options.ShardSize} Fashion-MNIST rows ({options.ShardSize * 10 * 4 / 1024.0:N0} KiB of logits), " +
            $"{InFlightPerTeacher} in flight per teacher. GEMM threads: {options.Threads} in-process and in a lone teacher process, one per process when " +
            $"several run ({Environment.ProcessorCount} cores). in-process: one TeacherActor here, no broker, in rounds alternating with the row's. " +
            "CPU: cores used by this driver, the teacher processes and the broker during the broker rounds. load: 1-minute load average.");
        if (Console.IsOutputRedirected)
        {
            // Spectre assumes 80 columns when it cannot ask a terminal; the rows fit in one line each at 100.
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 100);
        }

        AnsiConsole.Write(table);
    }

    private static string Cores(JsonNode? node) => node is null ? "?" : ((double)node).ToString("F2", CultureInfo.InvariantCulture);

    private static string Text(JsonNode? node) => Convert.ToString(node?.GetValue<object>(), CultureInfo.InvariantCulture) ?? "";

    private static double LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
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
