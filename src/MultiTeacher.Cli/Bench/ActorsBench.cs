using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
using MultiTeacher.Distillation;

namespace MultiTeacher.Cli.Bench;

/// <summary>
/// <c>mt bench actors</c>: Akka.NET's local <c>Tell</c> throughput in our configuration (Hyperion as the serializer),
/// with <c>akka.actor.serialize-messages</c> off (the product in one process) and on (every message round-tripped
/// through Hyperion, as in the tests): a two-actor ping-pong, and one-way Tells of 1 KiB and 40 KiB <c>float[]</c>
/// messages. Rounds alternate between the two systems and medians are reported, so that load from other processes
/// hits both alike. What serialization costs here is what a message pays at least to cross machines.
/// </summary>
internal static partial class ActorsBench
{
    private const int RoundTripsPerRound = 20_000;

    public static Command CreateCommand()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object per benchmark instead of text." };
        var seconds = new Option<double>("--seconds") { Description = "Seconds measured per benchmark and setting.", DefaultValueFactory = _ => 1.0 };
        var command = new Command("actors", "Akka.NET Tell throughput (ping-pong; 1 KiB and 40 KiB float[] messages) with serialize-messages off and on.")
        {
            json, seconds,
        };
        command.SetAction((parse, _) => RunAsync(parse.GetValue(json), parse.GetValue(seconds)));
        return command;
    }

    private static async Task<int> RunAsync(bool json, double seconds)
    {
        var budget = TimeSpan.FromSeconds(seconds);
        var off = ActorSystems.Create("bench-plain");
        var on = ActorSystems.Create("bench-serialized", ConfigurationFactory.ParseString("akka.actor.serialize-messages = on"));
        try
        {
            var systems = new[] { (Serialized: false, System: off), (Serialized: true, System: on) };
            foreach (var result in await MeasureAsync(systems, budget, "ping-pong", 0, PingPongRound()).ConfigureAwait(false))
            {
                Report(json, result);
            }

            foreach (var (bytes, count) in new[] { (1024, 50_000), (40 * 1024, 2_000) })
            {
                foreach (var result in await MeasureAsync(systems, budget, "tell", bytes, TellRound(bytes / sizeof(float), count)).ConfigureAwait(false))
                {
                    Report(json, result);
                }
            }
        }
        finally
        {
            await Task.WhenAll(off.Terminate(), on.Terminate()).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>One round: runs in a system and says how many messages (or round trips) it timed and how long they took.</summary>
    private delegate Task<(int Count, TimeSpan Elapsed)> Round(ActorSystem system);

    /// <summary>Alternates rounds between the systems until each has had its budget (and at least three rounds); medians per system.</summary>
    private static async Task<List<JsonObject>> MeasureAsync((bool Serialized, ActorSystem System)[] systems, TimeSpan budget, string bench, int bytes, Round round)
    {
        var rates = systems.Select(_ => new List<double>()).ToArray();
        var spent = new TimeSpan[systems.Length];
        for (var s = 0; s < systems.Length; s++)
        {
            await round(systems[s].System).ConfigureAwait(false); // warm-up
        }

        while (rates.Any(r => r.Count < 3) || spent.Any(t => t < budget))
        {
            for (var s = 0; s < systems.Length; s++)
            {
                var (count, elapsed) = await round(systems[s].System).ConfigureAwait(false);
                rates[s].Add(count / elapsed.TotalSeconds);
                spent[s] += elapsed;
            }
        }

        return systems.Select((system, s) =>
        {
            var rate = Median(rates[s]);
            var result = new JsonObject { ["bench"] = bench, ["serialize_messages"] = system.Serialized };
            if (bytes == 0)
            {
                result["round_trips_per_s"] = Math.Round(rate);
            }
            else
            {
                result["payload_bytes"] = bytes;
                result["messages_per_s"] = Math.Round(rate);
                result["mib_per_s"] = Math.Round(rate * bytes / (1024 * 1024), 1);
            }

            result["rounds"] = rates[s].Count;
            return result;
        }).ToList();
    }

    /// <summary>Two actors bounce one message <see cref="RoundTripsPerRound"/> times.</summary>
    private static Round PingPongRound() => async system =>
    {
        var ponger = system.ActorOf(Props.Create(() => new Ponger()));
        var pinger = system.ActorOf(Props.Create(() => new Pinger()));
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = Stopwatch.GetTimestamp();
        pinger.Tell(new Serve(ponger, RoundTripsPerRound, done));
        await done.Task.ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(start);
        system.Stop(pinger);
        system.Stop(ponger);
        return (RoundTripsPerRound, elapsed);
    };

    /// <summary>A producer actor tells a counter actor <paramref name="count"/> messages of <paramref name="floats"/> floats.</summary>
    private static Round TellRound(int floats, int count) => async system =>
    {
        var counter = system.ActorOf(Props.Create(() => new Counter()));
        var producer = system.ActorOf(Props.Create(() => new Producer(counter)));
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        counter.Tell(new Expect(count, done));
        var start = Stopwatch.GetTimestamp();
        producer.Tell(new Go(count, new Floats(new float[floats])));
        await done.Task.ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(start);
        system.Stop(producer);
        system.Stop(counter);
        return (count, elapsed);
    };

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void Report(bool json, JsonObject result)
    {
        if (json)
        {
            Console.WriteLine(result.ToJsonString());
            return;
        }

        var fields = result.Where(p => p.Key != "bench").Select(p => $"{p.Key}={Convert.ToString(p.Value, CultureInfo.InvariantCulture)}");
        Console.WriteLine($"{result["bench"],-10} {string.Join("  ", fields)}");
    }
}
