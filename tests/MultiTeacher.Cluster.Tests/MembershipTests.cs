using MultiTeacher.Actors.TestKit;
using MultiTeacher.Cluster.Testing;

namespace MultiTeacher.Cluster.Tests;

[Collection(BrokerFixture.Collection)]
public sealed class MembershipTests(BrokerFixture broker)
{
    [Fact]
    public async Task Membership_PeerGoesSilentThenLeaves_UpUnreachableRemoved()
    {
        var prefix = broker.NewPrefix();
        await using var a = await Node.StartAsync(broker, prefix, "a");
        await using var b = await Node.StartAsync(broker, prefix, "b");
        var events = new TestProbe(a.System);
        a.System.EventStream.Subscribe<MemberUp>(events);
        a.System.EventStream.Subscribe<MemberUnreachable>(events);
        a.System.EventStream.Subscribe<MemberReachable>(events);
        a.System.EventStream.Subscribe<MemberRemoved>(events);
        await using var membershipA = await Membership.StartAsync(a.Transport, a.System);
        var membershipB = await Membership.StartAsync(b.Transport, b.System);

        var up = await events.ExpectMsgAsync<MemberUp>(timeout: WorkQueueTests.Timeout);
        Assert.Equal(("b", membershipB.Incarnation, "test"), (up.NodeId, up.Incarnation, Assert.Single(up.Roles)));
        Assert.True(Assert.Single(membershipA.Members).Reachable);

        membershipB.StopHeartbeats();
        var unreachable = await events.ExpectMsgAsync<MemberUnreachable>(timeout: WorkQueueTests.Timeout);
        Assert.Equal("b", unreachable.NodeId);
        Assert.True(unreachable.SilentFor >= TimeSpan.FromSeconds(1));

        await membershipB.LeaveAsync();
        var removed = await events.ExpectMsgAsync<MemberRemoved>(timeout: WorkQueueTests.Timeout);
        Assert.Equal(("b", "left"), (removed.NodeId, removed.Reason));
        Assert.Empty(membershipA.Members);
        await a.Transport.DeleteAllAsync();
    }
}
