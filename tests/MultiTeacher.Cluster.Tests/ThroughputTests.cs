using System.Diagnostics;
using System.Globalization;
using MultiTeacher.Actors;
using MultiTeacher.Cluster.Testing;
using Xunit.Abstractions;

namespace MultiTeacher.Cluster.Tests;

/// <summary>Small end-to-end measurements (published, confirmed, delivered, handled, acked); they print messages/s.</summary>
[Collection(BrokerFixture.Collection)]
public sealed class ThroughputTests(BrokerFixture broker, ITestOutputHelper output)
{
    [Theory]
    [InlineData(1024, 2000, false)]
    [InlineData(1 << 20, 40, false)]
    [InlineData(1 << 20, 40, true)]
    public async Task WorkQueue_ManyMessages_AllHandledAndAcked(int size, int count, bool inline)
    {
        var prefix = broker.NewPrefix();
        Func<ClusterSettings, ClusterSettings> adjust = s => inline ? s with { ClaimCheckThreshold = 4 << 20 } : s;
        await using var producer = await Node.StartAsync(broker, prefix, "producer", adjust);
        await using var consumer = await Node.StartAsync(broker, prefix, "consumer", adjust);
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var counter = consumer.System.ActorOf(Props.Create(() => new CountTo(count, all)));
        await consumer.Transport.ConsumeWorkQueueAsync("bench", counter, 32);
        var queue = producer.Transport.WorkQueue(producer.System, "bench");
        var data = new byte[size];

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            queue.Tell(new Blob(i, data));
        }
        var tellTime = watch.Elapsed;
        await producer.Transport.FlushAsync();
        var flushTime = watch.Elapsed;
        await all.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await WorkQueueTests.WaitUntilAsync(() => consumer.Transport.Counters.Acked == count);
        watch.Stop();

        var rate = count / watch.Elapsed.TotalSeconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count} x {size} B ({(size > producer.Transport.Settings.ClaimCheckThreshold ? "claim check" : "inline")}): {rate:F0} msg/s, {rate * size / (1 << 20):F1} MiB/s (tell {tellTime.TotalMilliseconds:F0} ms, confirmed {flushTime.TotalMilliseconds:F0} ms, acked {watch.Elapsed.TotalMilliseconds:F0} ms)"));
        Assert.Equal(count, producer.Transport.Counters.Confirmed);
        await producer.Transport.DeleteAllAsync();
    }

    private sealed class CountTo : ReceiveActor
    {
        public CountTo(int count, TaskCompletionSource done)
        {
            var seen = 0;
            Receive<Blob>(_ =>
            {
                if (++seen == count)
                {
                    done.SetResult();
                }
            });
        }
    }
}
