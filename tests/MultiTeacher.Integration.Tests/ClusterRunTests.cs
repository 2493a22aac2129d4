namespace MultiTeacher.Integration.Tests;

/// <summary>
/// Whole runs across `mt node` processes and a real broker: the same student as in one process, and the same student
/// again when a teacher replica or the student process is killed with kill -9 mid-run.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterRunTests(ClusterFixture fixture)
{
    private static readonly TimeSpan s_start = TimeSpan.FromSeconds(60);

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

        await WaitForStudentStateAsync(cluster);
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

        await WaitForStudentStateAsync(cluster);
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

        await WaitForStudentStateAsync(cluster, minimumShards: 10);
        doomed.Kill();
        var restarted = await cluster.StartNodeAsync("student-2", "student");

        var summary = await cluster.CompletedSummaryAsync(coordinator);
        Assert.Contains("resuming the student", restarted.Output, StringComparison.Ordinal);
        Assert.Equal(54, summary.GetProperty("shards").GetProperty("planned").GetInt32());
        Assert.Equal(fixture.ReferenceWeights, ClusterFixture.StudentWeights(cluster.Out));
    }

    /// <summary>Waits until the student has saved its state after at least <paramref name="minimumShards"/> shards.</summary>
    private static async Task WaitForStudentStateAsync(TestCluster cluster, int minimumShards = 3)
    {
        var state = Path.Combine(cluster.Out, "state", "student.safetensors");
        var deadline = DateTime.UtcNow + s_start;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(state) && NextShard(state) >= minimumShards)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"the student saved no state after {minimumShards} shards within {s_start.TotalSeconds} s:\n{cluster.Logs()}");
    }

    private static int NextShard(string state)
    {
        try
        {
            var metadata = Core.Checkpoints.Safetensors.Read(state).Metadata;
            return int.Parse(metadata["next_shard"], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
