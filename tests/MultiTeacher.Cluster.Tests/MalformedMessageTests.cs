using Akka.Event;
using MultiTeacher.Cluster.Serialization;
using MultiTeacher.Distillation.Pipeline;
using Xunit.Abstractions;

namespace MultiTeacher.Cluster.Tests;

/// <summary>A message the receiving node cannot read is dropped with a logged reason; the next one arrives.</summary>
public sealed class MalformedMessageTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    [Fact]
    public void ClusterNode_TensorMessages_UseTheTensorSerializerWhileLocalSystemsKeepHyperion()
    {
        var node = StartNode("127.0.0.1");
        var checkpoint = new Checkpoint("s", 1, 1, "a", [1f], new Dictionary<string, double>());

        Assert.IsType<TensorMessageSerializer>(node.System.Serialization.FindSerializerFor(checkpoint));
        Assert.Equal("HyperionSerializer", node.System.Serialization.FindSerializerFor(new RunCompleted("r")).GetType().Name);
        Assert.Equal("HyperionSerializer", Sys.Serialization.FindSerializerFor(checkpoint).GetType().Name);
    }

    [Fact]
    public async Task Tell_MalformedCheckpointThenAGoodOne_FirstDroppedWithItsReasonLoggedSecondArrives()
    {
        var sender = StartNode(Settings("127.0.0.2"), $"""akka.actor.serializers.tensors = "{CorruptingSerializer.TypeName}" """);
        var receiver = StartNode("127.0.0.3", sender);
        await AllUp(2, TimeSpan.FromSeconds(20), sender, receiver);
        var inbox = CreateTestProbe(receiver.System);
        var remoteInbox = await sender.System.ActorSelection(inbox.Ref.Path.ToStringWithAddress(receiver.Address)).ResolveOne(TimeSpan.FromSeconds(10));

        remoteInbox.Tell(new Checkpoint(CorruptingSerializer.CorruptModelId, 1, 1, "mlp:2-2", [1f, 2f, 3f], new Dictionary<string, double>()));
        remoteInbox.Tell(new Checkpoint("student", 2, 2, "mlp:2-2", [4f, 5f], new Dictionary<string, double>()));

        var arrived = inbox.ExpectMsg<Checkpoint>(TimeSpan.FromSeconds(10));
        Assert.Equal("student", arrived.ModelId);
        Assert.Equal([4f, 5f], arrived.Weights);
        inbox.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        var logged = CapturingLogger.EventsOf(receiver.System)
            .Where(e => e.LogLevel() >= LogLevel.WarningLevel)
            .Select(e => e.ToString())
            .Single(line => line.Contains("Deserialization failed", StringComparison.Ordinal));
        Assert.Contains("cannot read a Checkpoint message from", logged, StringComparison.Ordinal);
        Assert.Equal(Akka.Cluster.MemberStatus.Up, receiver.Cluster.SelfMember.Status);
    }
}
