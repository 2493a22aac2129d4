using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Distillation.Tests;

public sealed class CheckpointHubTests : ActorTestKit
{
    [Fact]
    public async Task Checkpoint_OlderOrEqualVersion_IsNotForwarded()
    {
        var hub = Sys.ActorOf(CheckpointHub.Props());
        var peer = CreateTestProbe();
        hub.Tell(new SubscribeCheckpoints(peer));

        hub.Tell(Make("s1", 5));
        hub.Tell(Make("s1", 3));
        hub.Tell(Make("s1", 5));
        hub.Tell(Make("s1", 6));

        Assert.Equal(5, (await peer.ExpectMsgAsync<Checkpoint>()).Version);
        Assert.Equal(6, (await peer.ExpectMsgAsync<Checkpoint>()).Version);
        await peer.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        var stats = await hub.Ask<HubStats>(new GetStats(), TimeSpan.FromSeconds(3));
        Assert.Equal(2, stats.StaleDropped);
    }

    [Fact]
    public async Task SubscribeCheckpoints_LateJoiner_GetsTheNewestOfEachModelAtOnce()
    {
        var hub = Sys.ActorOf(CheckpointHub.Props());
        hub.Tell(Make("s1", 1));
        hub.Tell(Make("s1", 4));
        hub.Tell(Make("s2", 2));
        var late = CreateTestProbe();

        hub.Tell(new SubscribeCheckpoints(late));

        var received = new[] { await late.ExpectMsgAsync<Checkpoint>(), await late.ExpectMsgAsync<Checkpoint>() };
        Assert.Equal([("s1", 4L), ("s2", 2L)], received.Select(c => (c.ModelId, c.Version)).OrderBy(x => x.ModelId));
    }

    [Fact]
    public async Task Checkpoint_SubscriberOfOneModel_GetsOnlyThatModel()
    {
        var hub = Sys.ActorOf(CheckpointHub.Props());
        var teacher = CreateTestProbe();
        hub.Tell(new SubscribeCheckpoints(teacher, "s2"));

        hub.Tell(Make("s1", 1));
        hub.Tell(Make("s2", 1));

        Assert.Equal("s2", (await teacher.ExpectMsgAsync<Checkpoint>()).ModelId);
        await teacher.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    private static Checkpoint Make(string model, long version) =>
        new(model, version, version, "mlp:2-2", [version], new Dictionary<string, double>());
}
