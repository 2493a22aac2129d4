namespace MultiTeacher.Integration.Tests;

/// <summary>
/// The broker itself killed with kill -9 mid-run and started again on the same data directory: the nodes reconnect,
/// the durable queues give back what was in flight, and the run ends with the same student as in one process.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class BrokerRestartTests(ClusterFixture fixture)
{
    [Fact]
    public async Task BrokerKilledAndRestartedMidRun_TheRunCompletesWithTheStudentOfOneProcess()
    {
        using var cluster = new TestCluster(fixture);
        await cluster.StartNodesAsync(("teacher-1", "teacher", null), ("aggregator-1", "aggregator", null), ("student-1", "student", null));
        var coordinator = cluster.StartCoordinator();

        await cluster.WaitForStudentStateAsync(minimumShards: 10);
        await fixture.Broker.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await fixture.Broker.RestartAsync();

        var summary = await cluster.CompletedSummaryAsync(coordinator);
        var shards = summary.GetProperty("shards");
        Assert.Equal(54, shards.GetProperty("planned").GetInt32());
        Assert.Equal(54, shards.GetProperty("trained").GetInt32());
        Assert.Equal(fixture.ReferenceWeights, ClusterFixture.StudentWeights(cluster.Out));
    }
}
