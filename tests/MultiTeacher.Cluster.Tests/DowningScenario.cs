using System.Diagnostics;
using Akka.Cluster;
using Xunit.Abstractions;

namespace MultiTeacher.Cluster.Tests;

/// <summary>
/// A two-node cluster, a coordinator and a teacher on different loopback addresses (machines), with the shipped
/// downing settings (keep-oldest on role coordinator, stable-after as in cluster.hocon). The teacher's node stops
/// without leaving; the coordinator's node must see it Unreachable, then remove it, and stay Up, whichever of the two
/// has the lower address and whichever started first. The seconds to each event are printed.
/// </summary>
public abstract class DowningScenario(ITestOutputHelper output) : ClusterTestKit(output)
{
    private readonly ITestOutputHelper _output = output;

    protected async Task KilledTeacher_IsRemovedAndCoordinatorSurvives(string coordinatorHost, string teacherHost, bool teacherFirst)
    {
        ClusterNode coordinator, teacher;
        if (teacherFirst)
        {
            teacher = StartNode(teacherHost, null, "teacher");
            coordinator = StartNode(coordinatorHost, teacher, "coordinator");
        }
        else
        {
            coordinator = StartNode(coordinatorHost, null, "coordinator");
            teacher = StartNode(teacherHost, coordinator, "teacher");
        }
        await AllUp(2, TimeSpan.FromSeconds(20), coordinator, teacher);
        var events = CreateTestProbe(coordinator.System);
        coordinator.Cluster.Subscribe(events.Ref, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        var victim = teacher.Address;

        var clock = Stopwatch.StartNew();
        await Abort(teacher);
        events.FishForMessage<ClusterEvent.UnreachableMember>(m => m.Member.Address == victim, TimeSpan.FromSeconds(20));
        var unreachable = clock.Elapsed;
        events.FishForMessage<ClusterEvent.MemberRemoved>(m => m.Member.Address == victim, TimeSpan.FromSeconds(40));
        var removed = clock.Elapsed;

        _output.WriteLine($"coordinator {coordinator.Address}, teacher {victim} (started {(teacherFirst ? "first" : "second")}): "
            + $"unreachable after {unreachable.TotalSeconds:F1} s, removed after {removed.TotalSeconds:F1} s");
        // Cluster.State is a view that the same events update a moment later than they reach a subscriber.
        await AwaitAssertAsync(() =>
        {
            Assert.Equal([coordinator.Address], coordinator.Cluster.State.Members.Select(m => m.Address));
            Assert.Empty(coordinator.Cluster.State.Unreachable);
        }, TimeSpan.FromSeconds(5));
        Assert.Equal(MemberStatus.Up, coordinator.Cluster.SelfMember.Status);
        Assert.False(coordinator.System.WhenTerminated.IsCompleted);
    }
}

/// <summary>The coordinator holds the lower address and started first (where Akka's default keep-majority also keeps it).</summary>
public sealed class DowningCoordinatorLowerTests(ITestOutputHelper output) : DowningScenario(output)
{
    [Fact]
    public Task KilledTeacher_CoordinatorLowerAddressAndOlder_TeacherRemovedCoordinatorUp() =>
        KilledTeacher_IsRemovedAndCoordinatorSurvives("127.0.0.2", "127.0.0.3", teacherFirst: false);
}

/// <summary>
/// The teacher holds the lower address and started first: keep-majority would keep the teacher's side, keep-oldest
/// without a role the teacher too; the shipped strategy keeps the coordinator.
/// </summary>
public sealed class DowningTeacherLowerTests(ITestOutputHelper output) : DowningScenario(output)
{
    [Fact]
    public Task KilledTeacher_TeacherLowerAddressAndOlder_TeacherRemovedCoordinatorUp() =>
        KilledTeacher_IsRemovedAndCoordinatorSurvives("127.0.0.3", "127.0.0.2", teacherFirst: true);
}

/// <summary>
/// The coordinator's node stops without leaving: keep-oldest on role coordinator makes the teacher's side, which
/// holds no coordinator, down itself, and its ActorSystem stops (the run cannot go on without its coordinator).
/// </summary>
public sealed class DowningCoordinatorKilledTests(ITestOutputHelper output) : DowningScenario(output)
{
    private readonly ITestOutputHelper _output = output;

    [Fact]
    public async Task KilledCoordinator_TeacherLowerAddressAndOlder_TeacherDownsItselfAndStops()
    {
        var teacher = StartNode("127.0.0.2", null, "teacher");
        var coordinator = StartNode("127.0.0.3", teacher, "coordinator");
        await AllUp(2, TimeSpan.FromSeconds(20), coordinator, teacher);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Abort(coordinator);
        await teacher.System.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(40));

        _output.WriteLine($"the teacher's node stopped {clock.Elapsed.TotalSeconds:F1} s after the coordinator's");
        Assert.Contains(CapturingLogger.EventsOf(teacher.System).Select(e => e.Message.ToString()!),
            m => m.Contains("SBR took decision Akka.Cluster.SBR.DownReachable", StringComparison.Ordinal) && m.Contains("including myself", StringComparison.Ordinal));
    }
}
