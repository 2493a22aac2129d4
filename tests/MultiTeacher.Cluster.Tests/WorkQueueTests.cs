using MultiTeacher.Actors.TestKit;
using MultiTeacher.Cluster.Testing;

namespace MultiTeacher.Cluster.Tests;

[Collection(BrokerFixture.Collection)]
public sealed class WorkQueueTests(BrokerFixture broker)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task WorkQueue_TellThenConsume_LocalActorGetsMessageAndItIsAcked()
    {
        var prefix = broker.NewPrefix();
        await using var producer = await Node.StartAsync(broker, prefix, "producer");
        await using var consumer = await Node.StartAsync(broker, prefix, "consumer");
        var probe = new TestProbe(consumer.System);

        producer.Transport.WorkQueue(producer.System, "jobs").Tell(new Job(1, "hello"));
        await producer.Transport.FlushAsync();
        await consumer.Transport.ConsumeWorkQueueAsync("jobs", probe, prefetch: 4);

        Assert.Equal(new Job(1, "hello"), await probe.ExpectMsgAsync<Job>(timeout: s_timeout));
        await WaitUntilAsync(() => consumer.Transport.Counters.Acked == 1);
        Assert.Equal(1, producer.Transport.Counters.Confirmed);
        await producer.Transport.DeleteAllAsync();
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? s_timeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met in time");
            }
            await Task.Delay(20);
        }
    }
}
