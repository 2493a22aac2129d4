using Akka.Configuration;
using MultiTeacher.Dashboard.Status;
using MultiTeacher.Distillation.Online;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Dashboard.Tests;

/// <summary>The watcher on its own: events published on the EventStream, membership of a real one-node cluster.</summary>
public sealed class StatusActorTests() : Akka.TestKit.Xunit2.TestKit(QuickRun.Serialized)
{
    [Fact]
    public void Start_EventsOnTheEventStream_ReachTheBoard()
    {
        var board = new StatusBoard();
        StatusActor.Start(Sys, board);

        Sys.EventStream.Publish(new RunStarted("r", 10, 5, ["a"]));
        Sys.EventStream.Publish(new CoordinatorProgress("r", 4, 2, 10, 2, 1, 0));
        Sys.EventStream.Publish(new ReplicaShardServed("r", "a", "akka://x/user/a", 100));
        Sys.EventStream.Publish(new StudentProgress("r", "student", 2, 8, 0.5, 0, 0));
        Sys.EventStream.Publish(new RunFailed("r", "shard e0/s3 failed: no teacher answered"));

        AwaitAssert(() =>
        {
            var status = board.Current;
            Assert.Equal("failed", status.State);
            Assert.Equal("shard e0/s3 failed: no teacher answered", status.Message);
            Assert.Equal(new ShardView(10, 4, 0, 2, 2, 0, 0, 0, 0, 0, 1), status.Shards);
            Assert.Equal(100, Assert.Single(status.Teachers).Rows);
            Assert.Equal(new ChartPoint(8, 0.5), Assert.Single(status.Student.Loss));
            Assert.Null(status.EtaSeconds);
        });
    }

    [Fact]
    public void Start_PeersOfAnOnlineRun_ShowsTheirCheckpointsStalenessAndTheEnd()
    {
        var board = new StatusBoard();
        StatusActor.Start(Sys, board);

        Sys.EventStream.Publish(new PeerProgress("online", "peer-0", 10, 20, 1.5, 1, 0, 0, 0));
        Sys.EventStream.Publish(new PeerProgress("online", "peer-1", 10, 20, 1.4, 1, 1, 2, 2));
        AwaitAssert(() =>
        {
            Assert.Equal("running", board.Current.State);
            Assert.Equal(2, board.Current.Checkpoints.Peers.Count);
            Assert.NotNull(board.Current.EtaSeconds);
        });
        Sys.EventStream.Publish(new PeerEpochCompleted("online", "peer-0", 0, 20, 0.75, 1.2));
        Sys.EventStream.Publish(new PeerProgress("online", "peer-0", 20, 20, 1.1, 2, 2, 1.5, 3));
        Sys.EventStream.Publish(new PeerProgress("online", "peer-1", 20, 20, 1.0, 2, 2, 2.5, 4));

        AwaitAssert(() =>
        {
            var status = board.Current;
            Assert.Equal("completed", status.State);
            Assert.Equal(0, status.EtaSeconds);
            Assert.Equal(4, status.Checkpoints.Sent);
            Assert.Equal(4, status.Checkpoints.Received);
            Assert.Equal(new PeerView("peer-1", 20, 20, 1.0, 2, 2, 2.5, 4), status.Checkpoints.Peers[1]);
            Assert.Equal(new EpochView(1, null, 0.75, 1.2, "peer-0"), Assert.Single(status.Student.Epochs));
            Assert.Equal([new ChartPoint(10, 1.5), new ChartPoint(20, 1.1)], status.Student.Loss);
        });
    }

    [Fact]
    public async Task Start_OnAClusterNode_ShowsItsMembersRolesAndReachability()
    {
        var node = ActorSystem.Create("dashboard-cluster", ClusterConfig("coordinator, teacher"));
        try
        {
            var board = new StatusBoard();
            StatusActor.Start(node, board);
            var cluster = Akka.Cluster.Cluster.Get(node);
            cluster.Join(cluster.SelfAddress);

            AwaitAssert(() =>
            {
                var view = board.Current.Cluster;
                Assert.Equal("cluster", view.Mode);
                var member = Assert.Single(view.Members);
                Assert.Equal(cluster.SelfAddress.ToString(), member.Address);
                Assert.Equal(["coordinator", "teacher"], member.Roles);
                Assert.Equal("Up", member.Status);
                Assert.True(member.Reachable);
            }, TimeSpan.FromSeconds(20));
        }
        finally
        {
            await node.Terminate();
        }
    }

    [Fact]
    public async Task Start_AMemberThatStopsWithoutLeaving_ShowsItUnreachable()
    {
        var first = ActorSystem.Create("dashboard-cluster", ClusterConfig("coordinator"));
        // Stopped without leaving: its ActorSystem terminates without the cluster's coordinated shutdown.
        var second = ActorSystem.Create("dashboard-cluster", ConfigurationFactory.ParseString("akka.coordinated-shutdown.run-by-actor-system-terminate = off")
            .WithFallback(ClusterConfig("teacher")));
        try
        {
            var board = new StatusBoard();
            StatusActor.Start(first, board);
            var seed = Akka.Cluster.Cluster.Get(first).SelfAddress;
            Akka.Cluster.Cluster.Get(first).Join(seed);
            Akka.Cluster.Cluster.Get(second).Join(seed);
            var teacher = Akka.Cluster.Cluster.Get(second).SelfAddress.ToString();
            AwaitAssert(() => Assert.Equal(["Up", "Up"], board.Current.Cluster.Members.Select(m => m.Status)), TimeSpan.FromSeconds(30));

            await second.Terminate();

            AwaitAssert(() =>
            {
                var member = Assert.Single(board.Current.Cluster.Members, m => m.Address == teacher);
                Assert.Equal(["teacher"], member.Roles);
                Assert.False(member.Reachable);
            }, TimeSpan.FromSeconds(30));
        }
        finally
        {
            await second.Terminate();
            await first.Terminate();
        }
    }

    private static Config ClusterConfig(string role) => ConfigurationFactory.ParseString($"""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        akka.cluster.roles = [{role}]
        """).WithFallback(QuickRun.Serialized);
}
