using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
using MultiTeacher.Cli.Commands;

namespace MultiTeacher.Cli.Bench;

/// <summary>
/// <c>mt bench actors</c>: Akka.NET's local <c>Tell</c> throughput in our configuration (Hyperion as the serializer),
/// with <c>akka.actor.serialize-messages</c> off (the product in one process) and on (every message round-tripped
/// through Hyperion, as in the tests): a two-actor ping-pong, and one-way Tells of 1 KiB and 40 KiB <c>float[]</c>
/// messages. Rounds alternate between the two systems and medians are reported, so that load from other processes
/// hits both alike. Without serialization a Tell passes a reference, so the payload's size does not matter; with it,
/// every Tell encodes and decodes the message, which is what a message pays at least to cross machines.
/// </summary>
internal static partial class ActorsBench
{
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
        var config = CliConfiguration.Load().Config;
        var off = ActorSystem.Create("bench-plain", config);
        var on = ActorSystem.Create("bench-serialized", ConfigurationFactory.ParseString("akka.actor.serialize-messages = on").WithFallback(config));
        try
        {
            var systems = new[] { (Serialized: false, System: off), (Serialized: true, System: on) };
            foreach (var result in await MeasureAsync(systems, budget, "ping-pong", 0, PingPongRound()).ConfigureAwait(false))
            {
                Report(json, result);
            }

            foreach (var bytes in new[] { 1024, 40 * 1024 })
            {
                foreach (var result in await MeasureAsync(systems, budget, "tell", bytes, TellRound(bytes / sizeof(float))).ConfigureAwait(false))
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

    /// <summary>One round of <c>count</c> messages (or round trips) in a system; returns how long they took.</summary>
    private delegate Task<TimeSpan> Round(ActorSystem system, int count);

    /// <summary>
    /// Alternates rounds between the systems, each until it has had its budget and at least three rounds; medians per
    /// system. A round's size is set per system from a warm-up round, to about a twentieth of the budget, since the
    /// serialized rounds can be a thousand times slower than the plain ones.
    /// </summary>
    private static async Task<List<JsonObject>> MeasureAsync((bool Serialized, ActorSystem System)[] systems, TimeSpan budget, string bench, int bytes, Round round)
    {
        var rates = systems.Select(_ => new List<double>()).ToArray();
        var spent = new TimeSpan[systems.Length];
        var counts = new int[systems.Length];
        for (var s = 0; s < systems.Length; s++)
        {
            const int WarmUp = 200;
            await round(systems[s].System, WarmUp).ConfigureAwait(false); // JIT
            var elapsed = await round(systems[s].System, WarmUp).ConfigureAwait(false);
            counts[s] = (int)Math.Clamp(WarmUp * (budget / 20) / elapsed, 1_000, 5_000_000);
        }

        bool Wanted(int s) => rates[s].Count < 3 || spent[s] < budget;
        while (Enumerable.Range(0, systems.Length).Any(Wanted))
        {
            for (var s = 0; s < systems.Length; s++)
            {
                if (Wanted(s))
                {
                    var elapsed = await round(systems[s].System, counts[s]).ConfigureAwait(false);
                    rates[s].Add(counts[s] / elapsed.TotalSeconds);
                    spent[s] += elapsed;
                }
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

    /// <summary>Two actors bounce one message <c>count</c> times.</summary>
    private static Round PingPongRound() => async (system, count) =>
    {
        var ponger = system.ActorOf(Props.Create(() => new Ponger()));
        var pinger = system.ActorOf(Props.Create(() => new Pinger()));
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = Stopwatch.GetTimestamp();
        pinger.Tell(new Serve(ponger, count, done));
        await done.Task.ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(start);
        system.Stop(pinger);
        system.Stop(ponger);
        return elapsed;
    };

    /// <summary>A producer actor tells a counter actor <c>count</c> messages of <paramref name="floats"/> floats.</summary>
    private static Round TellRound(int floats) => async (system, count) =>
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
        return elapsed;
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
