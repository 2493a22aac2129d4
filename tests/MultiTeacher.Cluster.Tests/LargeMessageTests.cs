using System.Diagnostics;
using MultiTeacher.Distillation.Pipeline;
using Xunit.Abstractions;

namespace MultiTeacher.Cluster.Tests;

/// <summary>Checkpoints of the largest models cross between nodes: the shipped frame size (32 MiB) lets a 10 MB one through.</summary>
public sealed class LargeMessageTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    private readonly ITestOutputHelper _output = output;

    [Fact]
    public async Task Tell_TenMegabyteCheckpointToAnotherNode_ArrivesWhole()
    {
        var sender = StartNode("127.0.0.2");
        var receiver = StartNode("127.0.0.3", sender);
        await AllUp(2, TimeSpan.FromSeconds(20), sender, receiver);
        var inbox = CreateTestProbe(receiver.System);
        var remoteInbox = await sender.System.ActorSelection(inbox.Ref.Path.ToStringWithAddress(receiver.Address))
            .ResolveOne(TimeSpan.FromSeconds(10));
        var weights = new float[2_500_000]; // 10,000,000 bytes, more than a mlp:784-1200-1200-10 (2,395,210 parameters)
        var random = new Random(17);
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)random.NextDouble();
        }
        var checkpoint = new Checkpoint("student-0", 3, 1500, "mlp:784-1200-1200-10", weights, new Dictionary<string, double> { ["loss"] = 0.25 });
        int bytes = sender.System.Serialization.FindSerializerFor(checkpoint).ToBinary(checkpoint).Length;

        var clock = Stopwatch.StartNew();
        remoteInbox.Tell(checkpoint);
        var arrived = inbox.ExpectMsg<Checkpoint>(TimeSpan.FromSeconds(30));
        _output.WriteLine($"a checkpoint of {bytes:N0} serialized bytes arrived after {clock.ElapsedMilliseconds} ms");

        Assert.NotSame(checkpoint, arrived);
        Assert.Equal(checkpoint.Weights, arrived.Weights);
        Assert.Equal((checkpoint.ModelId, checkpoint.Version, checkpoint.Step, checkpoint.Arch), (arrived.ModelId, arrived.Version, arrived.Step, arrived.Arch));
        Assert.Equal(0.25, arrived.Metrics["loss"]);
        Assert.True(bytes > 10_000_000, $"{bytes} bytes");
    }
}
