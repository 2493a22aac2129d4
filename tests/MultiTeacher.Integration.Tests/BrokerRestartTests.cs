namespace MultiTeacher.Integration.Tests;

/// <summary>
/// The broker itself killed with kill -9 mid-run and started again on the same data directory: the nodes reconnect and
/// the durable queues give back what was in flight, so the run completes with the same student as in one process — or,
/// when the restarted broker cannot serve one of the run's queues (RabbitMQ 3.10 sometimes fails to restart a quorum
/// queue declared seconds before the crash), the coordinator stops at its stall timeout saying how to resume, and
/// `--resume` completes the run, still with the same student.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class BrokerRestartTests(ClusterFixture fixture)
{
    [Fact]
    public async Task BrokerKilledAndRestartedMidRun_TheRunCompletesOrResumesWithTheStudentOfOneProcess()
    {
        using var cluster = new TestCluster(fixture);
        await cluster.StartNodesAsync(("teacher-1", "teacher", null), ("aggregator-1", "aggregator", null), ("student-1", "student", null));
        var coordinator = cluster.StartCoordinator("--set", "multiteacher.cluster.stall-timeout=20s");

        await cluster.WaitForStudentStateAsync(minimumShards: 10);
        await fixture.Broker.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await fixture.Broker.RestartAsync();

        var exit = await coordinator.WaitForExitAsync(TimeSpan.FromMinutes(3));
        if (exit != 0)
        {
            Assert.True(exit == 2, $"the coordinator failed ({exit}) without a clear error:\n{coordinator.Output}\n{cluster.Logs()}");
            Assert.True(coordinator.Output.Contains($"--resume {cluster.Out}", StringComparison.Ordinal),
                $"the coordinator stopped without saying how to resume:\n{coordinator.Output}\n{cluster.Logs()}");
            coordinator = cluster.ResumeCoordinator();
        }

        var summary = await cluster.CompletedSummaryAsync(coordinator);
        var shards = summary.GetProperty("shards");
        Assert.Equal(54, shards.GetProperty("planned").GetInt32());
        Assert.Equal(54, shards.GetProperty("trained").GetInt32());
        Assert.Equal(fixture.ReferenceWeights, ClusterFixture.StudentWeights(cluster.Out));
    }
}
