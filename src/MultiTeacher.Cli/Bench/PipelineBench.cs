using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Akka.Configuration;
using MultiTeacher.Cli.Commands;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Core.Torch;
using MultiTeacher.Dashboard;
using MultiTeacher.Dashboard.Server;
using MultiTeacher.Distillation;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Students;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Cli.Bench;

/// <summary>
/// <c>mt bench pipeline</c>: what the actor layer costs. One epoch of distillation of <c>mlp:784-64-10</c> on
/// Fashion-MNIST from cached teacher logits, once through the actor pipeline (<see cref="DistillationPipeline"/>, from
/// creating its ActorSystem to its termination) and once as the same training loop called directly
/// (<see cref="ReferenceDistillation"/>), in alternating rounds; medians are reported, so that load from other
/// processes hits both sides alike. With <c>--dashboard</c> a third side is measured in the same rounds: the actor run
/// watched by a live dashboard whose feed one reader holds open (<c>dashboard_ratio</c>: watched over plain actors).
/// </summary>
internal static class PipelineBench
{
    private const string Student = "mlp:784-64-10";
    private const int Teachers = 3;

    public static Command CreateCommand()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var rounds = new Option<int>("--rounds") { Description = "Measured rounds per side (after one warm-up round each).", DefaultValueFactory = _ => 7 };
        var rows = new Option<int?>("--rows") { Description = "Use only the first this many training rows (default: all 60,000)." };
        var threads = new Option<int>("--threads") { Description = "LibTorch intra-op threads.", DefaultValueFactory = _ => 2 };
        var data = CommonOptions.Data();
        var dashboard = new Option<string?>("--dashboard")
        {
            Description = "Watch the actor runs with a live dashboard at [HOST:]PORT (0: a free port), to measure what it costs.",
            HelpName = "[HOST:]PORT",
        };
        var features = new Option<bool>("--features")
        {
            Description = "Instead: the cnn:8-16-32 student from a cnn:32-64-128 teacher network with logits only, full features, attention maps and " +
                "float16 attention maps (attention transfer on layer 3); samples/s and bytes per shard of each (default 10,000 rows).",
        };
        var command = new Command("pipeline", "Samples/s of one distillation epoch through the actors and as the same loop called directly, " +
            "and their ratio (goal: actors at least 0.95× direct).") { json, rounds, rows, threads, data, dashboard, features };
        command.SetAction((parse, token) => CommandRunner.RunAsync(async t =>
        {
            var akka = CliConfiguration.Load().Config;
            var (asJson, roundCount, rowCount, threadCount, folder) =
                (parse.GetValue(json), Math.Max(1, parse.GetValue(rounds)), parse.GetValue(rows), parse.GetValue(threads), parse.GetValue(data));
            if (parse.GetValue(features))
            {
                return await FeaturePipelineBench.RunAsync(asJson, roundCount, rowCount, Math.Max(1, threadCount), folder, t).ConfigureAwait(false);
            }

            if (parse.GetValue(dashboard) is not { } spec)
            {
                return await RunAsync(asJson, roundCount, rowCount, threadCount, folder, akka, null, t).ConfigureAwait(false);
            }

            await using var live = await LiveDashboard.StartAsync(DashboardEndpoint.Parse(spec), t).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"mt: dashboard at {live.Url}").ConfigureAwait(false);
            return await RunAsync(asJson, roundCount, rowCount, threadCount, folder, akka, live, t).ConfigureAwait(false);
        }, token));
        return command;
    }

    /// <summary>
    /// Measures direct and actor runs in alternating order; with a <paramref name="dashboard"/>, a third side each round:
    /// the actor run watched by it, with one reader of its live feed open as a browser would hold it.
    /// </summary>
    private static async Task<int> RunAsync(bool json, int rounds, int? rows, int threads, string? dataDirectory, Config akka, LiveDashboard? dashboard,
        CancellationToken cancellationToken)
    {
        if (threads < 1)
        {
            throw new CliUsageException($"threads must be at least 1, got {threads}");
        }

        TorchRuntime.Threads = threads;
        var train = DatasetCatalog.Load(dataDirectory, "train").FirstRows(rows);
        var tables = Enumerable.Range(0, Teachers).Select(t => SyntheticLogits(train, (ulong)t + 1)).ToList();
        var settings = new DistillationSettings { Epochs = 1, Seed = 1 };
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var feed = dashboard is null ? Task.FromResult(0) : CountEventsAsync(dashboard.Url, stopReading.Token);

        // Warm-up (JIT, thread pool, caches), then rounds in alternating order.
        var (_, direct) = Direct(train, tables, settings);
        var (_, actors) = await ActorsAsync(train, tables, settings, akka, cancellationToken).ConfigureAwait(false);
        var identical = direct.GetWeights().AsSpan().SequenceEqual(actors.GetWeights());
        if (dashboard is not null)
        {
            await ActorsAsync(train, tables, settings, dashboard.Over(akka), cancellationToken).ConfigureAwait(false);
        }

        var measured = new List<(double Direct, double Actors, double Watched)>();
        for (var round = 0; round < rounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var times = new double[dashboard is null ? 2 : 3];
            for (var i = 0; i < times.Length; i++)
            {
                var side = (round + i) % times.Length;
                times[side] = side switch
                {
                    0 => Direct(train, tables, settings).Elapsed.TotalSeconds,
                    1 => (await ActorsAsync(train, tables, settings, akka, cancellationToken).ConfigureAwait(false)).Elapsed.TotalSeconds,
                    _ => (await ActorsAsync(train, tables, settings, dashboard!.Over(akka), cancellationToken).ConfigureAwait(false)).Elapsed.TotalSeconds,
                };
            }

            measured.Add((train.Count / times[0], train.Count / times[1], times.Length > 2 ? train.Count / times[2] : double.NaN));
        }

        await stopReading.CancelAsync().ConfigureAwait(false);
        var events = await feed.ConfigureAwait(false);
        var result = new JsonObject
        {
            ["bench"] = "pipeline",
            ["student"] = Student,
            ["rows"] = train.Count,
            ["teachers"] = Teachers,
            ["rounds"] = rounds,
            ["threads"] = threads,
            ["actors_samples_per_s"] = Math.Round(Median(measured.Select(m => m.Actors))),
            ["direct_samples_per_s"] = Math.Round(Median(measured.Select(m => m.Direct))),
            ["ratio"] = Math.Round(Median(measured.Select(m => m.Actors / m.Direct)), 3),
            ["identical_weights"] = identical,
        };
        if (dashboard is not null)
        {
            result["dashboard_samples_per_s"] = Math.Round(Median(measured.Select(m => m.Watched)));
            result["dashboard_ratio"] = Math.Round(Median(measured.Select(m => m.Watched / m.Actors)), 3);
            result["dashboard_events_read"] = events;
        }

        if (json)
        {
            Console.WriteLine(result.ToJsonString());
        }
        else
        {
            Console.WriteLine(string.Join("  ", result.Select(p => $"{p.Key}={Convert.ToString(p.Value, CultureInfo.InvariantCulture)}")));
        }

        return 0;
    }

    /// <summary>Reads the dashboard's live feed until cancelled, as an open page does; returns the events read.</summary>
    private static async Task<int> CountEventsAsync(Uri url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };
        var events = 0;
        try
        {
            await using var stream = await http.GetStreamAsync(new Uri("events", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                events += line.StartsWith("data:", StringComparison.Ordinal) ? 1 : 0;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return events;
    }

    private static (TimeSpan Elapsed, Model Student) Direct(Dataset train, IReadOnlyList<LogitTable> tables, DistillationSettings settings)
    {
        var student = Model.Create(Student, (ulong)settings.Seed);
        var start = Stopwatch.GetTimestamp();
        ReferenceDistillation.Train(student, train, train.Labels, tables, settings);
        return (Stopwatch.GetElapsedTime(start), student);
    }

    private static async Task<(TimeSpan Elapsed, Model Student)> ActorsAsync(Dataset train, IReadOnlyList<LogitTable> tables, DistillationSettings settings, Config akka,
        CancellationToken cancellationToken)
    {
        var student = Model.Create(Student, (ulong)settings.Seed);
        var teachers = tables.Select((table, i) => new PipelineTeacher($"t{i}", new CachedLogitSource(table))).ToList();
        var start = Stopwatch.GetTimestamp();
        await DistillationPipeline.RunAsync(new PipelineRequest("bench", teachers, student, train, train.Labels, settings), akka, cancellationToken)
            .ConfigureAwait(false);
        return (Stopwatch.GetElapsedTime(start), student);
    }

    /// <summary>A cached teacher pass stand-in: logits that favour the true class, with seeded noise (the cost is that of real logits).</summary>
    private static LogitTable SyntheticLogits(Dataset train, ulong seed)
    {
        var rng = new Rng(seed);
        var values = new float[train.Count * train.Classes];
        for (var r = 0; r < train.Count; r++)
        {
            for (var c = 0; c < train.Classes; c++)
            {
                values[(r * train.Classes) + c] = (float)rng.NextGaussian() + (c == train.Labels[r] ? 4f : 0f);
            }
        }

        return new LogitTable(values, train.Count, train.Classes);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
