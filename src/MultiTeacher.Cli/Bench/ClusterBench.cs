using System.CommandLine;
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
/// bounded number in flight and consumes the <see cref="TeacherOutput"/>s. Just before every configuration the same
/// teacher is measured in this process without a broker (one <see cref="TeacherActor"/>, same shards, same number in
/// flight), and the configuration's ratio is to that paired figure, so load from elsewhere on the machine hits both alike.
/// </summary>
internal static partial class ClusterBench
{
    /// <summary>The teacher measured when <c>--teacher</c> is not given (weights do not matter for speed).</summary>
    public const string DefaultTeacher = "mlp:784-1200-1200-10";

    /// <summary>The teacher id on the wire.</summary>
    public const string TeacherId = "bench-teacher";

    /// <summary>Requests each teacher has in hand at once: one computing, one waiting (the prefetch of its queue).</summary>
    private const int InFlightPerTeacher = 2;

    private const long PlannerSeed = 1;

    public static Command CreateCommand()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object per configuration instead of a table." };
        var seconds = new Option<double>("--seconds") { Description = "Seconds measured per configuration (after a warm-up).", DefaultValueFactory = _ => 10.0 };
        var shardSize = new Option<int>("--shard-size") { Description = "Rows per shard: one request and one output message each.", DefaultValueFactory = _ => 2048 };
        var processes = new Option<string>("--processes") { Description = "Teacher process counts to measure, comma-separated.", DefaultValueFactory = _ => "1,2,4" };
        var teacher = new Option<string>("--teacher") { Description = "The teacher's architecture string (freshly initialised, seeded).", DefaultValueFactory = _ => DefaultTeacher };
        var threads = CommonOptions.Threads();
        threads.Description = "GEMM threads in this process and in a lone teacher process (default: multiteacher.threads); several teacher processes use one each.";
        var uri = new Option<string?>("--uri") { Description = "Use this broker (amqp://user:password@host:port/) instead of a throwaway one; default MT_RABBITMQ_URI." };
        var data = CommonOptions.Data();
        var command = new Command("cluster", "Samples/s of teacher logits served over RabbitMQ by 1, 2 and 4 teacher processes, beside the same teacher " +
            "in this process; messages/s and bytes/s through the broker. Starts a throwaway broker unless --uri or MT_RABBITMQ_URI is given.")
        {
            json, seconds, shardSize, processes, teacher, threads, uri, data,
        };
        command.SetAction((parse, token) => CommandRunner.RunAsync(ct =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var options = new BenchOptions(parse.GetValue(json), TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(seconds))),
                parse.GetValue(shardSize), ParseProcesses(parse.GetValue(processes)!), parse.GetValue(teacher)!, Gemm.Threads,
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

    private sealed record BenchOptions(bool Json, TimeSpan Window, int ShardSize, IReadOnlyList<int> Processes, string Teacher, int Threads,
        string? Uri, string? Data)
    {
        public TimeSpan WarmUp => TimeSpan.FromSeconds(Math.Clamp(Window.TotalSeconds / 2, 0.5, 3));
    }

    private static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var train = DatasetCatalog.Load(options.Data, "train");
        var model = Model.Create(options.Teacher, ClusterBenchWorker.TeacherSeed);
        var local = new ModelLogitSource(model, train);
        ClusterBenchWorker.WarmUp(local, train);
        var planner = Planner(train, options.ShardSize);

        await using var broker = options.Uri is null ? await StartBrokerAsync().ConfigureAwait(false) : null;
        var uri = options.Uri ?? broker!.Uri.ToString();
        var prefix = string.Create(CultureInfo.InvariantCulture, $"mtbench-{Environment.ProcessId}");
        var settings = Settings(uri, prefix);
        var nodeId = string.Create(CultureInfo.InvariantCulture, $"bench-driver-{Environment.ProcessId}");
        using var logs = WarningLogs();
        await using var transport = await RabbitMqTransport.ConnectAsync(settings, nodeId, RegistrySink.PipelineRegistry(),
            logs.CreateLogger("transport"), cancellationToken).ConfigureAwait(false);
        var rows = new List<JsonObject>();
        try
        {
            await using var system = new ActorSystem("bench", new ActorSystemOptions { Transport = transport, Node = nodeId, LoggerFactory = logs });
            foreach (var processes in options.Processes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var inProcess = await MeasureInProcessAsync(local, planner, options, cancellationToken).ConfigureAwait(false);
                var cluster = await MeasureClusterAsync(system, transport, uri, prefix, planner, processes, options, cancellationToken).ConfigureAwait(false);
                rows.Add(Row(options, processes, cluster, inProcess));
                Emit(options, rows[^1]);
            }
        }
        finally
        {
            await transport.DeleteAllAsync().ConfigureAwait(false);
        }

        if (!options.Json)
        {
            WriteTable(options, rows);
        }

        return 0;
    }

    private static async Task<BrokerProcess> StartBrokerAsync()
    {
        try
        {
            return await BrokerProcess.StartAsync().ConfigureAwait(false);
        }
        catch (TimeoutException exception)
        {
            throw new InvalidOperationException($"the throwaway RabbitMQ broker did not start: {exception.Message}", exception);
        }
    }

    private static async Task<PumpResult> MeasureInProcessAsync(ModelLogitSource source, ShardPlanner planner, BenchOptions options,
        CancellationToken cancellationToken)
    {
        await using var system = new ActorSystem("bench-local");
        var pump = system.ActorOf(ShardPump.Props(planner, "in-process", new PumpPlan(InFlightPerTeacher, options.WarmUp, 1, options.Window), () => null), "pump");
        var teacher = system.ActorOf(TeacherActor.Props(TeacherId, source, planner, pump), "teacher");
        var done = new TaskCompletionSource<PumpResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        pump.Tell(new StartPump(teacher, done));
        return await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<PumpResult> MeasureClusterAsync(ActorSystem system, RabbitMqTransport transport, string uri, string prefix,
        ShardPlanner planner, int processes, BenchOptions options, CancellationToken cancellationToken)
    {
        var run = string.Create(CultureInfo.InvariantCulture, $"p{processes}");
        var requests = $"{run}.requests";
        var outputs = $"{run}.outputs";
        var threads = processes == 1 ? options.Threads : 1;
        string[] workerArgs =
        [
            "--prefix", prefix, "--requests", requests, "--outputs", outputs, "--teacher", options.Teacher,
            "--shard-size", options.ShardSize.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture),
            "--prefetch", InFlightPerTeacher.ToString(CultureInfo.InvariantCulture), .. options.Data is null ? Array.Empty<string>() : ["--data", options.Data],
        ];
        await using var teachers = await TeacherProcesses.StartAsync(processes, workerArgs, uri, cancellationToken).ConfigureAwait(false);
        var plan = new PumpPlan(InFlightPerTeacher * processes, options.WarmUp, processes, options.Window);
        var pump = system.ActorOf(ShardPump.Props(planner, run, plan, () => transport.Counters), $"pump-{run}");
        await transport.ConsumeWorkQueueAsync(outputs, pump, (ushort)Math.Max(16, plan.InFlight * 2)).ConfigureAwait(false);
        var done = new TaskCompletionSource<PumpResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        pump.Tell(new StartPump(transport.WorkQueue(system, requests), done));
        var result = await Task.WhenAny(done.Task, teachers.FirstExit).ConfigureAwait(false) == done.Task
            ? await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false)
            : throw new InvalidOperationException($"a teacher process ended during the measurement: {teachers.Errors()}");
        system.Stop(pump);
        return result;
    }

    private static JsonObject Row(BenchOptions options, int processes, PumpResult cluster, PumpResult inProcess)
    {
        var before = cluster.Before!;
        var after = cluster.After!;
        var messages = after.Published - before.Published + (after.Delivered - before.Delivered);
        var bytes = after.BytesOut - before.BytesOut + (after.BytesIn - before.BytesIn);
        return new JsonObject
        {
            ["bench"] = "cluster",
            ["teacher"] = options.Teacher,
            ["processes"] = processes,
            ["gemm_threads_per_process"] = processes == 1 ? options.Threads : 1,
            ["shard_size"] = options.ShardSize,
            ["in_flight"] = InFlightPerTeacher * processes,
            ["samples_per_s"] = Math.Round(cluster.SamplesPerSecond, 1),
            ["in_process_samples_per_s"] = Math.Round(inProcess.SamplesPerSecond, 1),
            ["in_process_gemm_threads"] = options.Threads,
            ["ratio"] = Math.Round(cluster.SamplesPerSecond / inProcess.SamplesPerSecond, 3),
            ["messages_per_s"] = Math.Round(messages / cluster.Seconds, 1),
            ["bytes_per_s"] = Math.Round(bytes / cluster.Seconds),
            ["shards"] = cluster.Shards,
            ["seconds"] = Math.Round(cluster.Seconds, 2),
            ["cores"] = Environment.ProcessorCount,
            ["load_average_1m"] = LoadAverage(),
        };
    }

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
        var table = new Table().AddColumns("teacher processes", "GEMM threads", "samples/s", "in-process samples/s", "ratio", "msgs/s", "MB/s", "load avg");
        foreach (var row in rows)
        {
            var processes = (int)row["processes"]!;
            table.AddRow(
                Text(row["processes"]),
                Text(row["gemm_threads_per_process"]) + (processes == 1 ? "" : " each"),
                $"{(double)row["samples_per_s"]!:N0}",
                $"{(double)row["in_process_samples_per_s"]!:N0}",
                $"{(double)row["ratio"]!:F2}",
                $"{(double)row["messages_per_s"]!:N1}",
                $"{(double)row["bytes_per_s"]! / 1e6:N2}",
                Text(row["load_average_1m"]));
        }

        table.Caption($"teacher {options.Teacher}; shards of {options.ShardSize} Fashion-MNIST rows ({options.ShardSize * 10 * 4 / 1024.0:N0} KiB of logits each, " +
            $"{InFlightPerTeacher} in flight per teacher); in-process: one TeacherActor, no broker, {options.Threads} GEMM threads, measured just before each row; " +
            $"one GEMM thread per process when several run ({Environment.ProcessorCount} cores)");
        AnsiConsole.Write(table);
    }

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
