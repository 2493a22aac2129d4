using System.CommandLine;
using System.Globalization;
using MultiTeacher.Actors;
using MultiTeacher.Cli.Cluster;
using MultiTeacher.Cli.Commands;
using MultiTeacher.Cluster;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Cli.Bench;

/// <summary>
/// <c>mt bench cluster-worker</c> (hidden): one teacher process of <c>mt bench cluster</c>. It reads the dataset
/// itself, builds the seeded teacher, serves the request queue with a <see cref="TeacherActor"/> whose outputs go to
/// the output queue, prints <c>ready</c> on stdout, and leaves when its stdin closes (the driver ends) or on Ctrl+C.
/// The broker comes from <c>MT_RABBITMQ_URI</c>, which the driver sets.
/// </summary>
internal static class ClusterBenchWorker
{
    /// <summary>The line a worker prints once it consumes its queue.</summary>
    public const string ReadyLine = "ready";

    /// <summary>The seed of the teacher's weights, the same in every process (the weights do not matter for speed).</summary>
    public const ulong TeacherSeed = 7;

    public static Command CreateCommand()
    {
        var prefix = new Option<string>("--prefix") { Required = true };
        var requests = new Option<string>("--requests") { Required = true };
        var outputs = new Option<string>("--outputs") { Required = true };
        var teacher = new Option<string>("--teacher") { Required = true };
        var shardSize = new Option<int>("--shard-size") { Required = true };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 1 };
        var prefetch = new Option<int>("--prefetch") { DefaultValueFactory = _ => 2 };
        var data = CommonOptions.Data();
        var command = new Command("cluster-worker", "A teacher process of `mt bench cluster` (started by it).")
        {
            prefix, requests, outputs, teacher, shardSize, threads, prefetch, data,
        };
        command.Hidden = true;
        command.SetAction((parse, token) => CommandRunner.RunAsync(_ => RunAsync(
            parse.GetValue(prefix)!, parse.GetValue(requests)!, parse.GetValue(outputs)!, parse.GetValue(teacher)!, parse.GetValue(shardSize),
            parse.GetValue(threads), (ushort)Math.Clamp(parse.GetValue(prefetch), 1, ushort.MaxValue), parse.GetValue(data), token), token));
        return command;
    }

    private static async Task<int> RunAsync(string prefix, string requests, string outputs, string arch, int shardSize, int threads, ushort prefetch,
        string? data, CancellationToken cancellationToken)
    {
        Gemm.Threads = threads;
        var train = DatasetCatalog.Load(data, "train");
        var source = new ModelLogitSource(Model.Create(arch, TeacherSeed), train);
        WarmUp(source, train);

        var settings = ClusterBench.Settings(Environment.GetEnvironmentVariable(ClusterSettings.UriEnvironmentVariable), prefix);
        var nodeId = NodeId(Environment.ProcessId);
        using var logs = ClusterBench.WarningLogs();
        await using var transport = await RabbitMqTransport.ConnectAsync(settings, nodeId, RegistrySink.PipelineRegistry(),
            logs.CreateLogger("transport"), cancellationToken).ConfigureAwait(false);
        await using var system = new ActorSystem("bench", new ActorSystemOptions { Transport = transport, Node = nodeId, LoggerFactory = logs });
        var planner = ClusterBench.Planner(train, shardSize);
        var actor = system.ActorOf(TeacherActor.Props(ClusterBench.TeacherId, source, planner, transport.WorkQueue(system, outputs)), "teacher");
        await transport.ConsumeWorkQueueAsync(requests, actor, prefetch).ConfigureAwait(false);
        Console.Out.WriteLine(ReadyLine);
        Console.Out.Flush();

        // The driver holds our stdin open for as long as it wants us; end of input (or Ctrl+C) ends the worker.
        try
        {
            await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }

    /// <summary>The node id of the worker with process id <paramref name="processId"/> (its node queue is PREFIX.node.ID).</summary>
    public static string NodeId(int processId) => string.Create(CultureInfo.InvariantCulture, $"bench-worker-{processId}");

    /// <summary>One batch through the teacher, so that JIT and GEMM set-up happen before the first request.</summary>
    public static void WarmUp(ModelLogitSource source, Dataset train)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(train);
        var rows = Enumerable.Range(0, Math.Min(256, train.Count)).ToArray();
        source.Logits(rows, new float[rows.Length * source.Classes]);
    }
}
