using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Tests;

public sealed class PipelineSupervisionTests : ActorTestKit
{
    private static readonly DistillationSettings s_settings = new() { Epochs = 2, BatchSize = 32, ShardSize = 64, Seed = 1 };

    [Fact]
    public async Task RunAsync_ATeacherThrows_TheActorIsStoppedNotRestarted_AndTheRunFailsNamingTheCause()
    {
        var teachers = new List<PipelineTeacher>
        {
            new("good", new CachedLogitSource(Fixtures.TeacherLogits(1))),
            new("broken", new BrokenSource("the teacher's file is corrupt")),
        };
        var request = new PipelineRequest("run", teachers, Model.Create("mlp:32-8-4", 1), Fixtures.Data, Fixtures.Data.Labels, s_settings);

        // Logged once by the supervisor: a restarted teacher would have thrown again on the next shard.
        var error = await EventFilter.Exception<InvalidDataException>(contains: "the teacher's file is corrupt")
            .ExpectOneAsync(() => Assert.ThrowsAsync<PipelineException>(() => DistillationPipeline.RunAsync(request, Sys)));

        Assert.Equal("a pipeline actor failed: the teacher's file is corrupt", error.Message);
        Assert.IsType<InvalidDataException>(error.InnerException);
    }

    [Fact]
    public async Task RunAsync_AnActorsConstructorThrows_TheRunFailsWithThatError_NotAkkasWrapper()
    {
        // No training rows: the coordinator's constructor refuses a plan without shards.
        var empty = Fixtures.Data.FirstRows(0);
        var request = new PipelineRequest("run", [new PipelineTeacher("a", new CachedLogitSource(Fixtures.TeacherLogits(1)))], Model.Create("mlp:32-8-4", 1),
            empty, [], s_settings);

        var error = await EventFilter.Exception<Akka.Actor.ActorInitializationException>()
            .ExpectOneAsync(() => Assert.ThrowsAsync<PipelineException>(() => DistillationPipeline.RunAsync(request, Sys)));

        Assert.IsType<ArgumentOutOfRangeException>(error.InnerException);
        Assert.StartsWith("a pipeline actor failed: firstShard", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Cancelled_StopsWithOperationCanceledAndTerminatesItsSystem()
    {
        using var cancel = new CancellationTokenSource();
        var teachers = new List<PipelineTeacher> { new("a", new CachedLogitSource(Fixtures.TeacherLogits(1))) };
        var trained = 0;
        var request = new PipelineRequest("run", teachers, Model.Create("mlp:32-8-4", 1), Fixtures.Data, Fixtures.Data.Labels, s_settings)
        {
            OnShardTrained = (done, _) =>
            {
                Volatile.Write(ref trained, done);
                cancel.Cancel();
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DistillationPipeline.RunAsync(request, Serialized, cancel.Token));
        var trainedWhenItReturned = Volatile.Read(ref trained);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));

        // Its system is gone: no actor of the run trains (or reports) any more.
        Assert.Equal(trainedWhenItReturned, Volatile.Read(ref trained));
    }

    /// <summary>A teacher whose logits cannot be computed.</summary>
    private sealed class BrokenSource(string reason) : ILogitSource
    {
        public int Classes => Fixtures.Classes;

        public long Version => 0;

        public void Logits(ReadOnlySpan<int> rows, Span<float> destination) => throw new InvalidDataException(reason);
    }
}
