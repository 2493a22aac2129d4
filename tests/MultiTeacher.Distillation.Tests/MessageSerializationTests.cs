using Akka.Serialization;
using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Online;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Students;

namespace MultiTeacher.Distillation.Tests;

/// <summary>
/// Every message of the pipeline and of online distillation, including those no other test sends, survives Hyperion:
/// the copy serializes to the same bytes as the original.
/// </summary>
public sealed class MessageSerializationTests : ActorTestKit
{
    private static readonly Shard s_shard = new("data", 1, 128, 64);

    public static TheoryData<string> Messages => new(Samples().Keys);

    [Theory]
    [MemberData(nameof(Messages))]
    public void Message_RoundTripThroughHyperion_IsAnEqualCopy(string name)
    {
        var message = Samples(TestActor)[name];
        var serializer = Sys.Serialization.FindSerializerFor(message);

        var bytes = serializer.ToBinary(message);
        var copy = Sys.Serialization.Deserialize(bytes, serializer.Identifier, Serialization.ManifestFor(serializer, message));

        Assert.Equal("HyperionSerializer", serializer.GetType().Name);
        Assert.Equal(message.GetType(), copy.GetType());
        Assert.Equal(bytes, serializer.ToBinary(copy));
    }

    [Fact]
    public void TestConfiguration_SerializesEveryMessageAndCreator_OnVirtualTime()
    {
        Assert.True(Sys.Settings.SerializeAllMessages);
        Assert.True(Sys.Settings.SerializeAllCreators);
        Assert.IsType<Akka.TestKit.TestScheduler>(Sys.Scheduler);
    }

    private static Dictionary<string, object> Samples(Akka.Actor.IActorRef? actor = null)
    {
        actor ??= Akka.Actor.ActorRefs.Nobody;
        var epoch = new StudentEpochCompleted("run", 2, 0.8, double.NaN, 0.25);
        var report = new PeerReport("p0", "mlp:2-2", 10, 40, [new PeerEpoch(0, 10, 0.5, 1.25)], 3, 2, 1, 30, 1.5, 3, ["an incident"], [1f, -2f]);
        object[] messages =
        [
            new ShardRequest("run", s_shard, 7),
            new ExpectShard("run", s_shard, 7),
            new TeacherOutput("run", s_shard, 7, "t0", 3, [1f, float.NegativeInfinity, 0.5f], 1, 3),
            new AggregatedTargets("run", s_shard, 7, ["t0", "t1"], [0.25f, 0.75f], [0.1f, 0.9f], ["t2"]),
            new ShardFailed("run", s_shard, 7, "no teacher answered"),
            new ShardTrained("run", s_shard, 7, new ShardResult(64, 0.5, 40, 60)),
            epoch,
            new RunProgress("run", 3, 10),
            new RunCompleted("run"),
            new RunFailed("run", "a reason"),
            new Checkpoint("s", 4, 400, "mlp:2-2", [1f, 2f], new Dictionary<string, double> { ["epoch"] = 1 }),
            new SubscribeCheckpoints(actor, "s"),
            new UnsubscribeCheckpoints(actor),
            new GetStats(),
            new BeginRun(actor),
            new CoordinatorStats(10, 9, 20) { Replicas = 3, Requeued = 2 },
            new RegisterReplica("t0", actor, 2),
            new ReplicaRejected("t9", "'t9' is not a teacher of this run (t0, t1)"),
            new ShardServed("run", 7, "t0", actor),
            new ReplicaUnreachable(actor),
            new AggregatorStats(9, 1, 0, 2, 1, ["closed without t2"]) { VersionConflicts = 1 },
            new StudentStats(9, 1, 72, 2, [epoch], 2),
            new HubStats(4, 8, 1),
            new StartPeer(new Dictionary<string, Akka.Actor.IActorRef> { ["p1"] = actor }),
            new PeerEpochCompleted("run", "p0", 0, 10, 0.5, 1.25),
            new PeerIncident("run", "p0", "peer p1 stopped"),
            new PeerFinished("run", report),
            report,
            new CheckpointsWanted("p1"),
            RelayConnected.Instance,
            new RelayStats(1, 2, 3, 4, 5),
        ];
        return messages.ToDictionary(m => m.GetType().Name);
    }
}
