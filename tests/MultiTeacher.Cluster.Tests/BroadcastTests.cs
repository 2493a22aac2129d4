using MultiTeacher.Actors;
using MultiTeacher.Actors.TestKit;
using MultiTeacher.Cluster.Testing;

namespace MultiTeacher.Cluster.Tests;

[Collection(BrokerFixture.Collection)]
public sealed class BroadcastTests(BrokerFixture broker)
{
    [Fact]
    public async Task Broadcast_TwoSubscribers_EachGetsEveryMessage()
    {
        var prefix = broker.NewPrefix();
        await using var a = await Node.StartAsync(broker, prefix, "a");
        await using var b = await Node.StartAsync(broker, prefix, "b");
        var probeA = new TestProbe(a.System);
        var probeB = new TestProbe(b.System);
        await a.Transport.SubscribeBroadcastAsync("news", probeA, lastValueOnly: false);
        await b.Transport.SubscribeBroadcastAsync("news", probeB, lastValueOnly: false);

        var news = a.Transport.Broadcast(a.System, "news");
        news.Tell(new Job(1, "one"));
        news.Tell(new Job(2, "two"));

        foreach (var probe in new[] { probeA, probeB })
        {
            Assert.Equal(1, (await probe.ExpectMsgAsync<Job>(timeout: WorkQueueTests.Timeout)).Id);
            Assert.Equal(2, (await probe.ExpectMsgAsync<Job>(timeout: WorkQueueTests.Timeout)).Id);
        }
        await a.Transport.DeleteAllAsync();
    }

    [Fact]
    public async Task SubscribeBroadcast_LastValueOnly_SlowReceiverSkipsToNewest()
    {
        var prefix = broker.NewPrefix();
        await using var node = await Node.StartAsync(broker, prefix, "node");
        var report = new TestProbe(node.System);
        var release = new TaskCompletionSource();
        var receiver = node.System.ActorOf(Props.Create(() => new SlowStart(release.Task, report)));
        await node.Transport.SubscribeBroadcastAsync("checkpoints", receiver, lastValueOnly: true);
        var checkpoints = node.Transport.Broadcast(node.System, "checkpoints");

        checkpoints.Tell(new Blob(1, [1]));
        Assert.Equal(1, (await report.ExpectMsgAsync<Blob>(timeout: WorkQueueTests.Timeout)).Version);
        for (var version = 2; version <= 6; version++)
        {
            checkpoints.Tell(new Blob(version, [(byte)version]));
        }
        await node.Transport.FlushAsync();
        release.SetResult();

        Assert.Equal(6, (await report.ExpectMsgAsync<Blob>(timeout: WorkQueueTests.Timeout)).Version);
        await report.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        await node.Transport.DeleteAllAsync();
    }
}
