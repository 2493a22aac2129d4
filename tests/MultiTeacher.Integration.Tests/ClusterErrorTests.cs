namespace MultiTeacher.Integration.Tests;

/// <summary>What a user sees when the broker or a teacher is wrong: one clear line, exit code 2, nothing left running.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterErrorTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Node_WrongPassword_ExitsWithAnAuthenticationError()
    {
        var uri = new UriBuilder(fixture.Broker.Uri) { Password = "not-the-password" }.Uri.ToString();
        using var node = NodeProcess.Start("node", ["node", "--roles", "teacher", "--config", fixture.Config, "--set", "multiteacher.cluster.connect-attempts=1"],
            new Dictionary<string, string> { ["MT_RABBITMQ_URI"] = uri });

        Assert.Equal(2, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("authentication failed for user mt", node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_NoBrokerOnThePort_ExitsSayingNoBrokerAnswers()
    {
        using var node = NodeProcess.Start("node", ["node", "--roles", "student", "--config", fixture.Config, "--set", "multiteacher.cluster.connect-attempts=2"],
            new Dictionary<string, string> { ["MT_RABBITMQ_URI"] = "amqp://mt:x@127.0.0.1:1/" });

        Assert.Equal(2, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("no RabbitMQ broker answers at 127.0.0.1:1", node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Coordinator_TeacherWithAnotherClassCount_IsRefusedBeforeTheRunNamingIt()
    {
        using var cluster = new TestCluster(fixture);
        var coordinator = cluster.StartCoordinator("--set", "multiteacher.distill.teacher-logits.1=t5classes.npy");

        Assert.Equal(2, await coordinator.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("t5classes.npy have shape (60000, 5); the data fashion-mnist/train needs (60000, 10)", coordinator.Output, StringComparison.Ordinal);
    }
}
