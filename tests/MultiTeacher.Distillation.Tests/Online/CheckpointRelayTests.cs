using MultiTeacher.Distillation.Online;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Distillation.Tests.Online;

public sealed class CheckpointRelayTests : ActorTestKit
{
    private static readonly TimeSpan s_runTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_quiet = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task OwnCheckpoint_IsPublishedOnce_AndItsCopyComingBackIsDropped()
    {
        var broadcast = CreateTestProbe();
        var subscriber = CreateTestProbe();
        var relay = Sys.ActorOf(CheckpointRelay.Props("p0", broadcast));
        relay.Tell(new SubscribeCheckpoints(subscriber));

        relay.Tell(Of("p0", 1), subscriber);
        await broadcast.ExpectMsgAsync<Checkpoint>(c => c is { ModelId: "p0", Version: 1 });
        relay.Tell(Of("p0", 1), broadcast);

        await broadcast.ExpectNoMsgAsync(s_quiet);
        await subscriber.ExpectNoMsgAsync(s_quiet);
        Assert.Equal(new RelayStats(1, 0, 0, 0, 0), await relay.Ask<RelayStats>(new GetStats(), s_runTimeout));
    }

    [Fact]
    public async Task OtherMembersCheckpoints_NewestPerModelForwarded_OlderAndEqualDropped()
    {
        var broadcast = CreateTestProbe();
        var subscriber = CreateTestProbe();
        var relay = Sys.ActorOf(CheckpointRelay.Props("p0", broadcast));
        relay.Tell(new SubscribeCheckpoints(subscriber));

        foreach (var (id, version) in new[] { ("p1", 2L), ("p1", 1L), ("p1", 2L), ("p2", 1L), ("p1", 3L) })
        {
            relay.Tell(Of(id, version), broadcast);
        }

        await subscriber.ExpectMsgAsync<Checkpoint>(c => c is { ModelId: "p1", Version: 2 });
        await subscriber.ExpectMsgAsync<Checkpoint>(c => c is { ModelId: "p2", Version: 1 });
        await subscriber.ExpectMsgAsync<Checkpoint>(c => c is { ModelId: "p1", Version: 3 });
        await subscriber.ExpectNoMsgAsync(s_quiet);
        await broadcast.ExpectNoMsgAsync(s_quiet);
        Assert.Equal(new RelayStats(0, 0, 5, 3, 2), await relay.Ask<RelayStats>(new GetStats(), s_runTimeout));

        var late = CreateTestProbe();
        relay.Tell(new SubscribeCheckpoints(late));
        var held = new[] { await late.ExpectMsgAsync<Checkpoint>(), await late.ExpectMsgAsync<Checkpoint>() };
        Assert.Equal(["p1/3", "p2/1"], held.Select(c => $"{c.ModelId}/{c.Version}").Order());
    }

    [Fact]
    public async Task Connected_AsksTheGroup_AndAnotherMembersAskingGetsTheNewestOwnCheckpointAgain()
    {
        var broadcast = CreateTestProbe();
        var relay = Sys.ActorOf(CheckpointRelay.Props("p0", broadcast));

        relay.Tell(RelayConnected.Instance);
        Assert.Equal("p0", (await broadcast.ExpectMsgAsync<CheckpointsWanted>()).RequesterId);
        relay.Tell(new CheckpointsWanted("p0"), broadcast);
        await broadcast.ExpectNoMsgAsync(s_quiet);

        relay.Tell(Of("p0", 1));
        relay.Tell(Of("p0", 2));
        await broadcast.ExpectMsgAsync<Checkpoint>(c => c.Version == 1);
        await broadcast.ExpectMsgAsync<Checkpoint>(c => c.Version == 2);
        relay.Tell(new CheckpointsWanted("p1"), broadcast);

        await broadcast.ExpectMsgAsync<Checkpoint>(c => c is { ModelId: "p0", Version: 2 });
        Assert.Equal(1, (await relay.Ask<RelayStats>(new GetStats(), s_runTimeout)).Resent);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MembersLinkedOnlyByABroadcast_InLockstep_TrainBitForBitAsTheGroupInOneProcess(bool secondJoinsLate)
    {
        var request = new GroupRequest("run", PeerFixtures.Arch, PeerFixtures.Train, PeerFixtures.Settings(epochs: 2)) { Test = PeerFixtures.Test };
        var reference = await CodistillationGroup.RunAsync(request, Sys);
        var published = CreateTestProbe();
        var broadcast = Sys.ActorOf(Props.Create(() => new FanOut(published)));

        var first = StartMember(request, 0, broadcast);
        if (secondJoinsLate)
        {
            // Member 0 has published and waits at its first exchange point for a member that is not there yet.
            await published.ExpectMsgAsync<Checkpoint>(s_runTimeout);
        }

        var second = StartMember(request, 1, broadcast);
        var reports = await Task.WhenAll(first, second).WaitAsync(s_runTimeout);

        for (var k = 0; k < 2; k++)
        {
            Assert.Empty(reports[k].Incidents);
            Assert.Equal(reference.Peers[k].History, reports[k].History);
            Assert.Equal(reference.Peers[k].Weights, reports[k].Weights);
        }
    }

    private Task<PeerReport> StartMember(GroupRequest request, int index, IActorRef broadcast)
    {
        var relay = Sys.ActorOf(CheckpointRelay.Props(request.Ids[index], broadcast), $"relay-{index}");
        broadcast.Tell(new FanOut.Join(relay));
        relay.Tell(RelayConnected.Instance);
        return GroupMember.RunAsync(request, index, Sys, relay);
    }

    private static Checkpoint Of(string modelId, long version) =>
        new(modelId, version, version * 4, PeerFixtures.Arch, new float[4], new Dictionary<string, double>());

    /// <summary>A broadcast in one process: every message goes to every relay that joined, its sender included, and checkpoints to an observer.</summary>
    private sealed class FanOut : ReceiveActor
    {
        private readonly List<IActorRef> _relays = [];

        public FanOut(IActorRef observer)
        {
            Receive<Join>(join => _relays.Add(join.Relay));
            ReceiveAny(message =>
            {
                if (message is Checkpoint)
                {
                    observer.Tell(message);
                }

                foreach (var relay in _relays)
                {
                    relay.Tell(message, Sender);
                }
            });
        }

        public sealed record Join(IActorRef Relay);
    }
}
