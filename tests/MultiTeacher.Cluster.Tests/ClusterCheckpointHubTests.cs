using Akka.Cluster.Tools.PublishSubscribe;
using MultiTeacher.Cluster.Checkpoints;
using MultiTeacher.Distillation.Online;
using MultiTeacher.Distillation.Pipeline;
using Xunit.Abstractions;

namespace MultiTeacher.Cluster.Tests;

/// <summary>Checkpoints broadcast between two nodes on a peer group's DistributedPubSub topic.</summary>
public sealed class ClusterCheckpointHubTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    private static readonly TimeSpan s_arrival = TimeSpan.FromSeconds(15);

    private static Checkpoint Checkpoint(string modelId, long version) =>
        new(modelId, version, version * 100, "mlp:784-64-10", [version, -version, 0.5f], new Dictionary<string, double> { ["step"] = version * 100 });

    [Fact]
    public async Task Broadcast_TwoNodes_LateJoinerGetsTheNewestAndOnlyNewerVersionsAreDelivered()
    {
        var a = StartNode("127.0.0.2");
        var b = StartNode("127.0.0.3", a);
        await AllUp(2, TimeSpan.FromSeconds(20), a, b);
        var hubA = a.System.ActorOf(ClusterCheckpointHub.Props("p0", "g", DistributedPubSub.Get(a.System).Mediator), "hub-p0");
        var onA = CreateTestProbe(a.System);
        hubA.Tell(new SubscribeCheckpoints(onA.Ref));
        hubA.Tell(Checkpoint("p0", 1));

        // p1 joins the group after p0 published: it asks, and p0's hub publishes its newest again.
        var hubB = b.System.ActorOf(ClusterCheckpointHub.Props("p1", "g", DistributedPubSub.Get(b.System).Mediator), "hub-p1");
        var onB = CreateTestProbe(b.System);
        hubB.Tell(new SubscribeCheckpoints(onB.Ref));
        var otherGroup = b.System.ActorOf(ClusterCheckpointHub.Props("q0", "h", DistributedPubSub.Get(b.System).Mediator), "hub-q0");
        var onOtherGroup = CreateTestProbe(b.System);
        otherGroup.Tell(new SubscribeCheckpoints(onOtherGroup.Ref));

        var first = onB.ExpectMsg<Checkpoint>(s_arrival);
        Assert.Equal(("p0", 1L), (first.ModelId, first.Version));
        Assert.Equal([1f, -1f, 0.5f], first.Weights);

        hubB.Tell(Checkpoint("p1", 1));
        var fromB = onA.ExpectMsg<Checkpoint>(s_arrival);
        Assert.Equal(("p1", 1L), (fromB.ModelId, fromB.Version));

        hubA.Tell(Checkpoint("p0", 3));
        hubA.Tell(Checkpoint("p0", 2)); // older than the last published: not sent
        Assert.Equal(3L, onB.ExpectMsg<Checkpoint>(s_arrival).Version);

        // Wait out the hubs' repeated asks (AskAgainAfter): the copies they bring back are equal versions, dropped.
        onB.ExpectNoMsg(ClusterCheckpointHub.AskAgainAfter[^1] + TimeSpan.FromSeconds(1));
        onA.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        onOtherGroup.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        hubB.Tell(GetStats.Instance, onB.Ref);
        var statsB = onB.ExpectMsg<RelayStats>();
        Assert.Equal(2, statsB.Forwarded);
        Assert.True(statsB.Dropped >= 1, $"resent copies held already are dropped: {statsB}");
        hubA.Tell(GetStats.Instance, onA.Ref);
        Assert.Equal(2, onA.ExpectMsg<RelayStats>().Published);
    }

    [Fact]
    public async Task AwaitGroup_TwoNodes_AnsweredOnlyOnceEveryMemberHearsTheOthers()
    {
        var a = StartNode("127.0.0.2");
        var b = StartNode("127.0.0.3", a);
        await AllUp(2, TimeSpan.FromSeconds(20), a, b);
        var hubA = a.System.ActorOf(ClusterCheckpointHub.Props("p0", "g", DistributedPubSub.Get(a.System).Mediator), "hub-p0");
        var onA = CreateTestProbe(a.System);
        hubA.Tell(new AwaitGroup(["p0", "p1"]), onA.Ref);
        onA.ExpectNoMsg(TimeSpan.FromSeconds(1)); // p1 is not there yet

        var hubB = b.System.ActorOf(ClusterCheckpointHub.Props("p1", "g", DistributedPubSub.Get(b.System).Mediator), "hub-p1");
        var onB = CreateTestProbe(b.System);
        hubB.Tell(new AwaitGroup(["p0", "p1"]), onB.Ref);

        Assert.Equal(["p0", "p1"], onA.ExpectMsg<GroupAssembled>(s_arrival).MemberIds);
        Assert.Equal(["p0", "p1"], onB.ExpectMsg<GroupAssembled>(s_arrival).MemberIds);

        // Once assembled, a checkpoint published by one member reaches the other.
        hubB.Tell(new SubscribeCheckpoints(onB.Ref));
        hubA.Tell(Checkpoint("p0", 1));
        var arrived = onB.ExpectMsg<Checkpoint>(s_arrival);
        Assert.Equal(("p0", 1L), (arrived.ModelId, arrived.Version));
    }
}
