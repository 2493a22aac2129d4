namespace MultiTeacher.Integration.Tests;

/// <summary>
/// Whole runs across `mt node` processes and a real broker: the same student as in one process, and the same student
/// again when a teacher replica, the aggregator or the student process is killed with kill -9 mid-run.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterRunTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ClusterRun_OneProcessPerRole_TrainsBitForBitTheStudentOfOneProcess()
    {
        using var cluster = new TestCluster(fixture);
        await cluster.StartNodesAsync(("teacher-1", "teacher", null), ("aggregator-1", "aggregator", null), ("student-1", "student", null));

        var summary = await cluster.CompletedSummaryAsync(cluster.StartCoordinator());

        Assert.Equal("rabbitmq", summary.GetProperty("transport").GetString());
        var shards = summary.GetProperty("shards");
        Assert.Equal(54, shards.GetProperty("planned").GetInt32());
        Assert.Equal(54, shards.GetProperty("trained").GetInt32());
        Assert.Equal(54, shards.GetProperty("aggregated").GetInt32());
        Assert.Equal(0, shards.GetProperty("closed_incomplete").GetInt32());
        Assert.Equal(3, summary.GetProperty("cluster").GetProperty("nodes").GetInt32());
        Assert.Equal(fixture.ReferenceWeights, ClusterFixture.StudentWeights(cluster.Out));
    }

    [Fact]
    public async Task TeacherKilledMidRun_WithAReplicaAlive_EveryShardAggregatedOnceAndTheStudentUnchanged()
    {
        using var cluster = new TestCluster(fixture);
        var nodes = await cluster.StartNodesAsync(("teacher-a", "teacher", null), ("teacher-b", "teacher", null), ("aggregator-1", "aggregator", null),
            ("student-1", "student", null));
        var doomed = nodes[0];
        var coordinator = cluster.StartCoordinator();

        await cluster.WaitForStudentStateAsync();
        doomed.Kill();

        var summary = await cluster.CompletedSummaryAsync(coordinator);
        var shards = summary.GetProperty("shards");
        Assert.Equal(54, shards.GetProperty("aggregated").GetInt32());
        Assert.Equal(54, shards.GetProperty("trained").GetInt32());
        Assert.Equal(0, shards.GetProperty("closed_incomplete").GetInt32());
        Assert.Equal(fixture.ReferenceWeights, ClusterFixture.StudentWeights(cluster.Out));
    }

    [Fact]
    public async Task TeacherKilledMidRun_WithoutAReplica_ShardsCloseAtTheDeadlineWithTheOtherTeacherAndSaySo()
    {
        using var cluster = new TestCluster(fixture);
        var nodes = await cluster.StartNodesAsync(("teacher-t1", "teacher", "t1"), ("teacher-t2", "teacher", "t2"), ("aggregator-1", "aggregator", null),
            ("student-1", "student", null));
        var doomed = nodes[1];
        var coordinator = cluster.StartCoordinator("--set", "multiteacher.distill.epochs=1");

        await cluster.WaitForStudentStateAsync();
        doomed.Kill();

        var summary = await cluster.CompletedSummaryAsync(coordinator);
        var shards = summary.GetProperty("shards");
        Assert.Equal(27, shards.GetProperty("trained").GetInt32());
        Assert.InRange(shards.GetProperty("closed_incomplete").GetInt32(), 1, 27);
        var incidents = summary.GetProperty("cluster").GetProperty("node_reports").EnumerateArray()
            .SelectMany(n => n.GetProperty("incidents").EnumerateArray().Select(i => i.GetString()!)).ToList();
        Assert.Contains(incidents, i => i.Contains("t2", StringComparison.Ordinal));
        Assert.DoesNotContain(incidents, i => i.Contains("missing t1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StudentKilledMidRun_ThenRestarted_ResumesFromItsStateAndTrainsTheSameStudent()
    {
        using var cluster = new TestCluster(fixture);
        var nodes = await cluster.StartNodesAsync(("teacher-1", "teacher", null), ("aggregator-1", "aggregator", null), ("student-1", "student", null));
        var doomed = nodes[2];
        var coordinator = cluster.StartCoordinator();

        await cluster.WaitForStudentStateAsync(minimumShards: 10);
        doomed.Kill();
        var restarted = await cluster.StartNodeAsync("student-2", "student");

        var summary = await cluster.CompletedSummaryAsync(coordinator);
        Assert.Contains("resuming the student", restarted.Output, StringComparison.Ordinal);
        Assert.Equal(54, summary.GetProperty("shards").GetProperty("planned").GetInt32());
        Assert.Equal(fixture.ReferenceWeights, ClusterFixture.StudentWeights(cluster.Out));
    }

    [Fact]
    public async Task AggregatorKilledWithShardsHalfCollected_ThenRestarted_GetsThemAgainAndTheStudentIsUnchanged()
    {
        using var cluster = new TestCluster(fixture);
        var nodes = await cluster.StartNodesAsync(("teacher-t1", "teacher", "t1"), ("teacher-t2", "teacher", "t2"), ("aggregator-1", "aggregator", null),
            ("student-1", "student", null));
        var (slowTeacher, doomed) = (nodes[1], nodes[2]);
        var coordinator = cluster.StartCoordinator("--set", "multiteacher.distill.shard-deadline=60s");

        // With t2 paused, the aggregator holds the shards in flight with t1's output only when it is killed.
        await cluster.WaitForStudentStateAsync(minimumShards: 5);
        slowTeacher.Pause();
        await Task.Delay(TimeSpan.FromSeconds(1));
        doomed.Kill();
        var successor = await cluster.StartNodeAsync("aggregator-2", "aggregator");
        await successor.WaitForAsync("serving", TimeSpan.FromSeconds(30));
        slowTeacher.Resume();

        var summary = await cluster.CompletedSummaryAsync(coordinator);
        var shards = summary.GetProperty("shards");
        Assert.Equal(54, shards.GetProperty("trained").GetInt32());
        Assert.Equal(0, shards.GetProperty("closed_incomplete").GetInt32());
        Assert.Equal(fixture.ReferenceWeights, ClusterFixture.StudentWeights(cluster.Out));
    }
}
