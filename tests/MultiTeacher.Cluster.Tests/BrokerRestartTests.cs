using MultiTeacher.Actors.TestKit;
using MultiTeacher.Cluster.Testing;

namespace MultiTeacher.Cluster.Tests;

[Collection(BrokerFixture.Collection)]
public sealed class BrokerRestartTests(BrokerFixture broker)
{
    [Fact]
    public async Task BrokerKilledAndRestarted_ConfirmedMessagesSurviveAndPublishingResumes()
    {
        var prefix = broker.NewPrefix();
        await using var node = await Node.StartAsync(broker, prefix, "node");
        var jobs = node.Transport.WorkQueue(node.System, "jobs");
        for (var i = 0; i < 10; i++)
        {
            jobs.Tell(new Job(i, "before"));
        }
        await node.Transport.FlushAsync();
        Assert.Equal(10, node.Transport.Counters.Confirmed);
        // A quorum queue declared just before a kill -9 may be lost on 3.10; give it time to settle.
        await Task.Delay(2500);

        await broker.Broker.KillAsync();
        await WorkQueueTests.WaitUntilAsync(() => !node.Transport.IsConnected);
        for (var i = 10; i < 15; i++)
        {
            jobs.Tell(new Job(i, "during"));
        }
        await broker.Broker.RestartAsync();
        await WorkQueueTests.WaitUntilAsync(() => node.Transport.IsConnected, TimeSpan.FromSeconds(30));
        jobs.Tell(new Job(15, "after"));
        await node.Transport.FlushAsync();
        Assert.Equal(16, node.Transport.Counters.Confirmed);

        var probe = new TestProbe(node.System);
        await node.Transport.ConsumeWorkQueueAsync("jobs", probe, 16);
        var ids = new HashSet<int>();
        while (ids.Count < 16)
        {
            ids.Add((await probe.ExpectMsgAsync<Job>(timeout: WorkQueueTests.Timeout)).Id);
        }
        Assert.Equal(Enumerable.Range(0, 16), ids.Order());
        await node.Transport.DeleteAllAsync();
    }
}
