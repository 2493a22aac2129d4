using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;

namespace MultiTeacher.Distillation.Pipeline;

/// <summary>
/// Runs the pipeline of DESIGN.md in one process: coordinator, one actor per teacher, the ensemble aggregator, the
/// student trainer and the checkpoint hub, talking only by messages, in an ActorSystem of their own.
/// </summary>
public static class DistillationPipeline
{
    /// <summary>
    /// Trains <see cref="PipelineRequest.Student"/> and returns the run's counters. <paramref name="akka"/> configures
    /// the ActorSystem: the <c>akka { }</c> block of cluster.hocon as the configuration loader resolved it.
    /// </summary>
    public static async Task<PipelineResult> RunAsync(PipelineRequest request, Config akka, CancellationToken cancellationToken = default)
    {
        request.Settings.Validate();
        CheckTeachers(request);
        var system = ActorSystem.Create("distillation", akka);
        try
        {
            return await RunAsync(request, system, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs the pipeline in <paramref name="system"/> (a cluster node's, say), under one parent actor that is stopped at
    /// the end.
    /// </summary>
    public static async Task<PipelineResult> RunAsync(PipelineRequest request, ActorSystem system, CancellationToken cancellationToken = default)
    {
        request.Settings.Validate();
        CheckTeachers(request);
        var clock = Stopwatch.StartNew();
        var done = new TaskCompletionSource<PipelineResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = cancellationToken.Register(() => done.TrySetException(new OperationCanceledException(cancellationToken)));
        var run = system.ActorOf(DistillationRun.Props(request, done));
        try
        {
            var result = await done.Task.ConfigureAwait(false);
            return result with { Elapsed = clock.Elapsed };
        }
        finally
        {
            system.Stop(run);
        }
    }

    private static void CheckTeachers(PipelineRequest request)
    {
        if (request.TeacherIds.Count == 0 && request.Settings.Alpha > 0)
        {
            throw new ArgumentException("distillation with alpha > 0 needs at least one teacher");
        }

        if (request.TeacherIds.Distinct(StringComparer.Ordinal).Count() != request.TeacherIds.Count)
        {
            throw new ArgumentException($"teacher ids must be distinct: {string.Join(", ", request.TeacherIds)}");
        }

        foreach (var teacher in request.Teachers)
        {
            if (teacher.Source.Classes != request.Student.Classes)
            {
                throw new InvalidOperationException(
                    $"teacher {teacher.Id} has {teacher.Source.Classes} classes, the student {request.Student.Architecture} has {request.Student.Classes}");
            }
        }

        if (request.Labels.Length != request.Train.Count)
        {
            throw new ArgumentException($"{request.Labels.Length} labels for {request.Train.Count} training rows");
        }
    }
}
