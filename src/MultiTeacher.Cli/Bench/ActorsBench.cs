using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MultiTeacher.Actors;

namespace MultiTeacher.Cli.Bench;

/// <summary>
/// <c>mt bench actors</c>: the cost of the actor kernel against a bare <see cref="System.Threading.Channels.Channel{T}"/>
/// doing the same work in the same run. One-way Tell throughput between two actors, ping-pong round trips, and
/// Ask latency; plus the bytes allocated per Tell.
/// </summary>
internal static partial class ActorsBench
{
    private const int MessagesPerRound = 1_000_000;
    private const int RoundTripsPerRound = 100_000;

    public static Command CreateCommand()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object per benchmark instead of text." };
        var seconds = new Option<double>("--seconds") { Description = "Seconds measured per benchmark.", DefaultValueFactory = _ => 2.0 };
        var command = new Command("actors", "Tell throughput, ping-pong round trips and Ask latency of the actor kernel, beside a bare Channel<T> loop.") { json, seconds };
        command.SetAction((parse, _) => RunAsync(parse.GetValue(json), parse.GetValue(seconds)));
        return command;
    }

    private static async Task<int> RunAsync(bool json, double seconds)
    {
        var budget = TimeSpan.FromSeconds(seconds);
        await using var system = new ActorSystem("bench");
        Report(json, await MeasureTellAsync(system, budget));
        Report(json, await MeasurePingPongAsync(system, budget));
        Report(json, await MeasureAskAsync(system, budget));
        return 0;
    }

    /// <summary>
    /// One producer actor tells a counter actor N messages; the anchor does the same with two tasks and a channel.
    /// Rounds alternate between the two, and the medians are reported, so that load from other processes hits both.
    /// </summary>
    private static async Task<JsonObject> MeasureTellAsync(ActorSystem system, TimeSpan budget)
    {
        var counter = system.ActorOf(Props.Create(() => new Counter()), "counter");
        var producer = system.ActorOf(Props.Create(() => new Producer(counter)), "producer");
        await TellRoundAsync(counter, producer);
        await ChannelAnchor.OneWayAsync(MessagesPerRound);

        var rounds = new Rounds();
        long producerBytes = 0, totalBytes = 0;
        while (!rounds.Done(budget))
        {
            var anchor = await Rounds.TimeAsync(() => ChannelAnchor.OneWayAsync(MessagesPerRound));
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var start = Stopwatch.GetTimestamp();
            producerBytes += await TellRoundAsync(counter, producer);
            var actor = Stopwatch.GetElapsedTime(start);
            totalBytes += GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            rounds.Add(MessagesPerRound, actor, anchor);
        }
        return new JsonObject
        {
            ["bench"] = "tell",
            ["messages"] = rounds.Count,
            ["messages_per_s"] = Math.Round(rounds.MedianRate),
            ["anchor_messages_per_s"] = Math.Round(rounds.MedianAnchorRate),
            ["ratio"] = Math.Round(rounds.MedianRatio, 3),
            ["bytes_per_tell"] = Math.Round((double)producerBytes / rounds.Count, 2),
            ["total_bytes_per_message"] = Math.Round((double)totalBytes / rounds.Count, 2),
        };
    }

    private static async Task<long> TellRoundAsync(IActorRef counter, IActorRef producer)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allocated = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        counter.Tell(new Expect(MessagesPerRound, done));
        producer.Tell(new Go(MessagesPerRound, allocated));
        await done.Task;
        return await allocated.Task;
    }

    /// <summary>Two actors bounce one message; the anchor bounces it between two tasks over two channels.</summary>
    private static async Task<JsonObject> MeasurePingPongAsync(ActorSystem system, TimeSpan budget)
    {
        var ponger = system.ActorOf(Props.Create(() => new Ponger()), "ponger");
        var pinger = system.ActorOf(Props.Create(() => new Pinger()), "pinger");
        await PingPongRoundAsync(pinger, ponger);
        await ChannelAnchor.PingPongAsync(RoundTripsPerRound);

        var rounds = new Rounds();
        while (!rounds.Done(budget))
        {
            var anchor = await Rounds.TimeAsync(() => ChannelAnchor.PingPongAsync(RoundTripsPerRound));
            var actor = await Rounds.TimeAsync(() => PingPongRoundAsync(pinger, ponger));
            rounds.Add(RoundTripsPerRound, actor, anchor);
        }
        return new JsonObject
        {
            ["bench"] = "ping-pong",
            ["round_trips"] = rounds.Count,
            ["round_trips_per_s"] = Math.Round(rounds.MedianRate),
            ["anchor_round_trips_per_s"] = Math.Round(rounds.MedianAnchorRate),
            ["ratio"] = Math.Round(rounds.MedianRatio, 3),
        };
    }

    private static Task PingPongRoundAsync(IActorRef pinger, IActorRef ponger)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pinger.Tell(new Serve(ponger, RoundTripsPerRound, done));
        return done.Task;
    }

    /// <summary>Sequential asks to an echo actor from outside the system; latency per ask.</summary>
    private static async Task<JsonObject> MeasureAskAsync(ActorSystem system, TimeSpan budget)
    {
        var echo = system.ActorOf(Props.Create(() => new Ponger()), "echo");
        var timeout = TimeSpan.FromSeconds(10);
        for (var i = 0; i < 2_000; i++)
        {
            await echo.Ask<Ball>(Ball.Instance, timeout);
        }
        var latencies = new List<double>();
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < budget && latencies.Count < 1_000_000)
        {
            var start = Stopwatch.GetTimestamp();
            await echo.Ask<Ball>(Ball.Instance, timeout);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        latencies.Sort();
        return new JsonObject
        {
            ["bench"] = "ask",
            ["asks"] = latencies.Count,
            ["asks_per_s"] = Math.Round(latencies.Count / elapsed.TotalSeconds),
            ["median_us"] = Math.Round(latencies[latencies.Count / 2], 1),
            ["p99_us"] = Math.Round(latencies[(int)(latencies.Count * 0.99)], 1),
        };
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
