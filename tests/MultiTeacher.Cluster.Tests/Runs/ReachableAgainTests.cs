using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote;
using Akka.Remote.Transport;
using MultiTeacher.Cluster.Runs;
using MultiTeacher.Cluster.Serialization;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Teachers;
using Xunit.Abstractions;

namespace MultiTeacher.Cluster.Tests.Runs;

/// <summary>
/// A teacher node cut off from the coordinator (its traffic black-holed by Akka's throttler transport) becomes
/// unreachable for Akka's failure detector, its replicas are dropped from the run; once the traffic flows again the
/// node is reachable before the Split Brain Resolver downs it, its replicas register again and take the run's work:
/// the run, which had no other teacher node, finishes on them with every shard trained once.
/// </summary>
public sealed class ReachableAgainTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    /// <summary>Akka's throttler under TCP: addresses become akka.trttl.tcp, and a node's traffic to another can be black-holed.</summary>
    private const string Throttled = "akka.remote.dot-netty.tcp.applied-adapters = [trttl]";

    private static readonly TimeSpan s_up = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_run = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(100); // TestKit polls every tenth of the wait otherwise

    [Fact]
    public async Task TeacherNodeUnreachableThenReachable_ReplicasRegisterAgain_RunFinishesOnThem()
    {
        var coordinator = StartNode(Settings("127.0.0.2", null, "coordinator", "aggregator", "student"), Throttled);

        // ClusterNode refuses seeds that are not akka.tcp:// (they are akka.trttl.tcp:// here): the teacher node's
        // ActorSystem is made from the same layers by hand.
        var teacher = ActorSystem.Create(ClusterNodeSettings.SystemName, ClusterNode.Overlay(Settings("127.0.0.3", [coordinator.Address.ToString()], "teacher"))
            .WithFallback(ConfigurationFactory.ParseString(Throttled)).WithFallback(NodeConfig).WithFallback(TensorMessageSerializer.Binding));
        try
        {
            DistributedPubSub.Get(teacher);
            var teacherAddress = Akka.Cluster.Cluster.Get(teacher).SelfAddress;
            await AwaitConditionAsync(() => Task.FromResult(coordinator.Cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == 2), s_up, s_poll);
            var sources = new[] { Slow(0), Slow(1) };
            teacher.ActorOf(TeacherHost.Props([RunFixtures.Served(0, sources[0]), RunFixtures.Served(1, sources[1])], RunFixtures.Planner, replicas: 1,
                DistributedPubSub.Get(teacher).Mediator), "teachers");

            var midRun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var request = RunFixtures.Request("cut", Model.Create(RunFixtures.Arch, 9)) with { OnShardTrained = (trained, _) => { if (trained >= 4) midRun.TrySetResult(); } };
            var running = ClusterRun.RunAsync(coordinator, request, RunFixtures.Announced);
            await midRun.Task.WaitAsync(s_run);

            var transport = ((IRemoteActorRefProvider)((ExtendedActorSystem)coordinator.System).Provider).Transport;
            await transport.ManagementCommand(new SetThrottle(teacherAddress, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance));
            await AwaitConditionAsync(() => Task.FromResult(coordinator.Cluster.State.Unreachable.Any(m => m.Address == teacherAddress)), s_up, s_poll);
            Assert.False(running.IsCompleted, "the run ended while its only teacher node was cut off");
            // Counted before the heal: the cut-off replicas finished what they held long before Akka saw the node
            // unreachable (~5 s), and whatever they serve from here on is work handed to them after the heal (counted
            // after it, as before, the replicas could finish the run between two polls of the condition below).
            var callsWhenReachable = sources.Sum(s => s.Calls);
            await transport.ManagementCommand(new SetThrottle(teacherAddress, ThrottleTransportAdapter.Direction.Both, Unthrottled.Instance));
            await AwaitConditionAsync(() => Task.FromResult(coordinator.Cluster.State.Unreachable.Count == 0), s_up, s_poll);

            var result = await running.WaitAsync(s_run);
            const int shards = RunFixtures.Shards;
            Assert.Equal((shards, shards, 0), (result.Shards.Trained, result.Shards.Aggregated, result.Shards.ClosedIncomplete));
            Assert.True(result.Coordinator!.Requeued > 0, "the cut-off replicas held shards that were handed out again");
            Assert.True(sources.Sum(s => s.Calls) > callsWhenReachable, "the replicas took no work after the node was reachable again");
            Assert.Contains(CapturingLogger.EventsOf(coordinator.System), e => e is Warning && e.Message.ToString()!.Contains("reachable again: 2 replica(s) registered again"));
            Assert.Contains(coordinator.Cluster.State.Members, m => m.Address == teacherAddress && m.Status == Akka.Cluster.MemberStatus.Up);
        }
        finally
        {
            await teacher.Terminate();
            CapturingLogger.Forget(teacher);
        }
    }

    private static SlowCountingSource Slow(int teacher) => new(new CachedLogitSource(RunFixtures.Teachers[teacher]), TimeSpan.FromMilliseconds(60));
}
