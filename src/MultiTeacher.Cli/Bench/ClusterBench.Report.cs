using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace MultiTeacher.Cli.Bench;

/// <summary>The output of <c>mt bench cluster</c>: one JSON row per configuration, and the table.</summary>
internal static partial class ClusterBench
{
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
}
