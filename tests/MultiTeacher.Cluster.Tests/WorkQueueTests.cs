using MultiTeacher.Actors;
using MultiTeacher.Actors.TestKit;
using MultiTeacher.Cluster.Testing;

namespace MultiTeacher.Cluster.Tests;

[Collection(BrokerFixture.Collection)]
public sealed class WorkQueueTests(BrokerFixture broker)
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

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

        Assert.Equal(new Job(1, "hello"), await probe.ExpectMsgAsync<Job>(timeout: Timeout));
        await WaitUntilAsync(() => consumer.Transport.Counters.Acked == 1);
        Assert.Equal(1, producer.Transport.Counters.Confirmed);
        await producer.Transport.DeleteAllAsync();
    }

    [Fact]
    public async Task ConsumeWorkQueue_HandlerPublishes_InputAckedAfterOutputConfirmed()
    {
        var prefix = broker.NewPrefix();
        await using var node = await Node.StartAsync(broker, prefix, "worker");
        var report = new TestProbe(node.System);
        var results = new TestProbe(node.System);
        var worker = node.System.ActorOf(Props.Create(() => new Worker(node.Transport.WorkQueue(node.System, "out"), report, "w")));
        await node.Transport.ConsumeWorkQueueAsync("out", results, 4);
        await node.Transport.ConsumeWorkQueueAsync("in", worker, 4);

        for (var i = 0; i < 20; i++)
        {
            node.Transport.WorkQueue(node.System, "in").Tell(new Job(i, "x"));
        }

        for (var i = 0; i < 20; i++)
        {
            await results.ExpectMsgAsync<Done>(timeout: Timeout);
        }
        await WaitUntilAsync(() => node.Transport.Counters.Acked == 40);
        var counters = node.Transport.Counters;
        Assert.Equal(40, counters.Confirmed);
        Assert.Equal(0, counters.Redelivered);
        Assert.Equal(0u, await node.Transport.MessageCountAsync(node.Transport.WorkQueueName("in")));
        await node.Transport.DeleteAllAsync();
    }

    [Fact]
    public async Task ConsumeWorkQueue_ConsumerDiesWhileHandling_SecondConsumerGetsItRedelivered()
    {
        var prefix = broker.NewPrefix();
        await using var producer = await Node.StartAsync(broker, prefix, "producer");
        var first = await Node.StartAsync(broker, prefix, "first");
        var firstReport = new TestProbe(first.System);
        var release = new TaskCompletionSource();
        var hanger = first.System.ActorOf(Props.Create(() => new Hanger(first.Transport.WorkQueue(first.System, "out"), firstReport, release.Task)));
        await first.Transport.ConsumeWorkQueueAsync("jobs", hanger, 1);
        producer.Transport.WorkQueue(producer.System, "jobs").Tell(new Job(7, "work"));
        await firstReport.ExpectMsgAsync<Job>(timeout: Timeout);
        await first.Transport.FlushAsync();

        await first.Transport.AbortAsync();
        release.SetResult();
        await first.System.DisposeAsync();
        await using var second = await Node.StartAsync(broker, prefix, "second");
        var secondReport = new TestProbe(second.System);
        await second.Transport.ConsumeWorkQueueAsync("jobs", secondReport, 1);

        Assert.Equal(new Job(7, "work"), await secondReport.ExpectMsgAsync<Job>(timeout: Timeout));
        Assert.Equal(1, second.Transport.Counters.Redelivered);
        await producer.Transport.DeleteAllAsync(producer.Transport.WorkQueueName("out"));
    }

    [Fact]
    public async Task ConsumeWorkQueue_HandlerReturnedButPublishUnconfirmed_NotAckedAndRedeliveredAfterKill()
    {
        var prefix = broker.NewPrefix();
        await using var producer = await Node.StartAsync(broker, prefix, "producer");
        var first = await Node.StartAsync(broker, prefix, "first");
        var firstReport = new TestProbe(first.System);
        var actor = first.System.ActorOf(Props.Create(() => new Unconfirmed(firstReport)));
        await first.Transport.ConsumeWorkQueueAsync("jobs", actor, 1);
        producer.Transport.WorkQueue(producer.System, "jobs").Tell(new Job(8, "work"));
        await firstReport.ExpectMsgAsync<Job>(timeout: Timeout);
        await Task.Delay(200);
        Assert.Equal(0, first.Transport.Counters.Acked);

        await first.Transport.AbortAsync();
        await first.System.DisposeAsync();
        await using var second = await Node.StartAsync(broker, prefix, "second");
        var secondReport = new TestProbe(second.System);
        await second.Transport.ConsumeWorkQueueAsync("jobs", secondReport, 1);

        Assert.Equal(new Job(8, "work"), await secondReport.ExpectMsgAsync<Job>(timeout: Timeout));
        await producer.Transport.DeleteAllAsync();
    }

    [Fact]
    public async Task ConsumeWorkQueue_Prefetch3_AtMostThreeInFlight()
    {
        var prefix = broker.NewPrefix();
        await using var node = await Node.StartAsync(broker, prefix, "node");
        var report = new TestProbe(node.System);
        var deferrer = node.System.ActorOf(Props.Create(() => new Deferrer(report)));
        var jobs = node.Transport.WorkQueue(node.System, "jobs");
        for (var i = 0; i < 10; i++)
        {
            jobs.Tell(new Job(i, "x"));
        }
        await node.Transport.FlushAsync();

        await node.Transport.ConsumeWorkQueueAsync("jobs", deferrer, 3);

        for (var i = 0; i < 3; i++)
        {
            await report.ExpectMsgAsync<Job>(timeout: Timeout);
        }
        await report.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        Assert.Equal(7u, await node.Transport.MessageCountAsync(node.Transport.WorkQueueName("jobs")));
        deferrer.Tell(new Settle(null));
        for (var i = 3; i < 6; i++)
        {
            await report.ExpectMsgAsync<Job>(timeout: Timeout);
        }
        await node.Transport.DeleteAllAsync();
    }

    [Fact]
    public async Task DeferDelivery_CompleteAcks_RejectDeadLettersWithReason()
    {
        var prefix = broker.NewPrefix();
        await using var node = await Node.StartAsync(broker, prefix, "node");
        var report = new TestProbe(node.System);
        var deferrer = node.System.ActorOf(Props.Create(() => new Deferrer(report)));
        await node.Transport.ConsumeWorkQueueAsync("jobs", deferrer, 10);
        var jobs = node.Transport.WorkQueue(node.System, "jobs");

        jobs.Tell(new Job(1, "keep"));
        await report.ExpectMsgAsync<Job>(timeout: Timeout);
        await Task.Delay(100);
        Assert.Equal(0, node.Transport.Counters.Acked);
        deferrer.Tell(new Settle(null));
        await WaitUntilAsync(() => node.Transport.Counters.Acked == 1);

        jobs.Tell(new Job(2, "drop"));
        await report.ExpectMsgAsync<Job>(timeout: Timeout);
        deferrer.Tell(new Settle("duplicate shard"));
        await WaitUntilAsync(() => node.Transport.Counters.DeadLettered == 1 && node.Transport.Counters.Acked == 2);

        await using var raw = await Raw.ConnectAsync(broker.Broker.Uri);
        Assert.Equal(["rejected by the recipient: duplicate shard"], await raw.DrainReasonsAsync(node.Transport.DeadLetterQueue));
        await node.Transport.DeleteAllAsync();
    }

    [Fact]
    public async Task ConsumeWorkQueue_HandlerThrows_NackedAndRedelivered()
    {
        var prefix = broker.NewPrefix();
        await using var node = await Node.StartAsync(broker, prefix, "node");
        var report = new TestProbe(node.System);
        var failed = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        var actor = node.System.ActorOf(Props.Create(() => new FailOnce(report, failed)));
        await node.Transport.ConsumeWorkQueueAsync("jobs", actor, 1);

        node.Transport.WorkQueue(node.System, "jobs").Tell(new Job(3, "x"));

        await report.ExpectMsgAsync<Job>(timeout: Timeout);
        await report.ExpectMsgAsync<Job>(timeout: Timeout);
        await WaitUntilAsync(() => node.Transport.Counters.Acked == 1);
        var counters = node.Transport.Counters;
        Assert.Equal(1, counters.Nacked);
        Assert.Equal(1, counters.Redelivered);
        await node.Transport.DeleteAllAsync();
    }

    [Fact]
    public async Task Send_RemoteActorAddress_ReplyComesBackToSendersNode()
    {
        var prefix = broker.NewPrefix();
        await using var a = await Node.StartAsync(broker, prefix, "a");
        await using var b = await Node.StartAsync(broker, prefix, "b");
        var bReport = new TestProbe(b.System);
        b.System.ActorOf(Props.Create(() => new Worker(null, bReport, "echo-b")), "echo");
        var probe = new TestProbe(a.System);

        var echo = a.System.Resolve(ActorAddress.Parse("mt://sys@b/user/echo"));
        echo.Tell(new Job(5, "ping"), probe);

        Assert.Equal(new Done(5, "echo-b"), await probe.ExpectMsgAsync<Done>(timeout: Timeout));
        Assert.Equal("mt://sys@b/user/echo", a.System.AddressOf(probe.LastSender).ToString());
        await a.Transport.DeleteAllAsync(b.Transport.NodeQueue("b"));
    }

    [Fact]
    public async Task AbandonWorkQueues_PublishTheBrokerKeepsRefusing_IsDroppedInsteadOfRetriedForMinutes()
    {
        var prefix = broker.NewPrefix();
        await using var node = await Node.StartAsync(broker, prefix, "producer", s => s with { PublishRetryTimeout = TimeSpan.FromMinutes(5) });
        await using var raw = await Raw.ConnectAsync(broker.Broker.Uri);
        await raw.DeclareRefusingQueueAsync(node.Transport.WorkQueueName("run.r1.student"));
        node.Transport.UseClassicQueue("run.r1.student");

        node.Transport.WorkQueue(node.System, "run.r1.student").Tell(new Job(1, "refused"));
        node.Transport.WorkQueue(node.System, "run.r2.student").Tell(new Job(2, "accepted"));
        var flush = node.Transport.FlushAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(flush.IsCompleted, "the refused publish should still be retried before it is abandoned");

        node.Transport.AbandonWorkQueues("run.r1.");

        await flush.WaitAsync(Timeout);
        Assert.Equal(1, node.Transport.Counters.Confirmed);
        Assert.Equal(1u, await node.Transport.MessageCountAsync(node.Transport.WorkQueueName("run.r2.student")));
        await node.Transport.DeleteAllAsync();
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
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
