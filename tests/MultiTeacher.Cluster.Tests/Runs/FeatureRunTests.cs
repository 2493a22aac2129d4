using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using MultiTeacher.Cluster.Runs;
using MultiTeacher.Core.Losses.Features;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Features;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Teachers;
using Xunit.Abstractions;

namespace MultiTeacher.Cluster.Tests.Runs;

/// <summary>
/// A feature run across two nodes (two ActorSystems over loopback TCP): the announcement tells the teacher node which
/// features to send (float32 or float16); the student ends exactly as in the one-process pipeline; a node whose source of the teacher
/// serves logits only does not serve it, and says why.
/// </summary>
public sealed class FeatureRunTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    private static readonly TimeSpan s_up = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_run = TimeSpan.FromSeconds(120);

    // A hint from the teacher's hidden ReLU output (16) to the student's (16), through a linear adapter.
    private static readonly FeatureSpec[] s_specs = [new("t0", "1", "1", FeatureLossKind.Hint, 0.5f)];

    [Theory]
    [InlineData(false, 4)]
    [InlineData(true, 2)]
    public async Task TeacherNodeServesHintFeatures_StudentEqualsTheOneProcessPipeline(bool float16, int bytesEach)
    {
        var (coordinator, teacherNode) = await TwoNodesAsync();
        StartHost(teacherNode, new ModelLogitSource(Model.Create(RunFixtures.Arch, 1), RunFixtures.Data));
        var wire = new FeatureWire(Float16: float16);

        var student = Model.Create(RunFixtures.Arch, 9);
        var request = RunFixtures.Request("features", student) with { Features = Plan(student, wire) };
        var result = await ClusterRun.RunAsync(coordinator, request, [RunFixtures.Announced[0]]).WaitAsync(s_run);

        Assert.Equal((RunFixtures.Shards, 0), (result.Shards.Trained, result.Shards.ClosedIncomplete));
        Assert.Equal(700L * 2 * 16 * bytesEach, result.Aggregator.FeatureBytes); // every row of both epochs, 16 values each, across the wire
        var reference = Model.Create(RunFixtures.Arch, 9);
        var teacher = new ModelLogitSource(Model.Create(RunFixtures.Arch, 1), RunFixtures.Data);
        var inProcess = await DistillationPipeline.RunAsync(new PipelineRequest("reference", [new PipelineTeacher("t0", teacher)], reference, RunFixtures.Data,
            RunFixtures.Labels, RunFixtures.Settings) { Features = Plan(reference, wire) }, Sys);
        Assert.Equal(inProcess.Aggregator.FeatureBytes, result.Aggregator.FeatureBytes);
        Assert.Equal(reference.GetWeights(), student.GetWeights());
    }

    [Fact]
    public async Task TeacherNodeWithLogitsOnly_RunAsksForFeatures_NotServedThere_NamingTheTeacherAndLayer()
    {
        var (coordinator, teacherNode) = await TwoNodesAsync();
        var host = StartHost(teacherNode, new CachedLogitSource(RunFixtures.Teachers[0]));

        var student = Model.Create(RunFixtures.Arch, 9);
        using var cancel = new CancellationTokenSource();
        var running = ClusterRun.RunAsync(coordinator, RunFixtures.Request("logits-only", student) with { Features = Plan(student) }, [RunFixtures.Announced[0]],
            cancel.Token);

        const string expected = "run logits-only: teacher 't0' (/teachers/t0.safetensors) is not served here: the run asks for its features 1, " +
            "and this node's source of it serves logits only";
        await AwaitConditionAsync(() => Task.FromResult(CapturingLogger.EventsOf(teacherNode.System).Any(e => e is Error && e.Message.ToString()!.Contains(expected))), s_run,
            TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, (await host.Ask<ServedRuns>(GetServedRuns.Instance, s_up)).Replicas);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(s_run));
    }

    private async Task<(ClusterNode Coordinator, ClusterNode Teacher)> TwoNodesAsync()
    {
        var coordinator = StartNode("127.0.0.2", null, "coordinator", "aggregator", "student");
        var teacher = StartNode("127.0.0.3", coordinator, "teacher");
        await AllUp(2, s_up, coordinator, teacher);
        return (coordinator, teacher);
    }

    private static Akka.Actor.IActorRef StartHost(ClusterNode node, ILogitSource source) =>
        node.System.ActorOf(TeacherHost.Props([RunFixtures.Served(0, source)], RunFixtures.Planner, replicas: 1, DistributedPubSub.Get(node.System).Mediator), "teachers");

    /// <summary>The plan, its teacher's layer shapes read from a network like the teacher node's.</summary>
    private static FeaturePlan Plan(Model student, FeatureWire? wire = null) =>
        FeaturePlan.Create(s_specs, student, [("t0", new ModelLogitSource(Model.Create(RunFixtures.Arch, 1), RunFixtures.Data))], RunFixtures.Settings, wire);
}
