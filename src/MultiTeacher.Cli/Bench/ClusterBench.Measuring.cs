using MultiTeacher.Actors;

namespace MultiTeacher.Cli.Bench;

/// <summary>One measurement round of <c>mt bench cluster</c>: a pump run against one side, broker or in-process.</summary>
internal static partial class ClusterBench
{
    /// <summary>How much longer than its window a round may take (warm-up, drain, a slow machine) before the bench gives up.</summary>
    private static readonly TimeSpan s_roundGrace = TimeSpan.FromMinutes(2);

    /// <summary>A teacher (an actor, or a work queue served by teacher processes) and the pump feeding it.</summary>
    private sealed record Side(IActorRef Teacher, IActorRef Pump, int InFlight, int Teachers);

    private static async Task<PumpResult> RoundAsync(Side side, string roundId, BenchOptions options, Task teachersExited, TeacherProcesses teachers,
        CancellationToken cancellationToken)
    {
        // Every round starts on idle teachers (the previous one waited for its last answers); the warm-up lets each
        // teacher answer about once before the window opens.
        var plan = new PumpPlan(side.InFlight, TimeSpan.FromSeconds(0.2), side.Teachers, options.Window);
        var done = new TaskCompletionSource<PumpResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        side.Pump.Tell(new StartPump(side.Teacher, roundId, plan, done));
        var limit = options.Window + s_roundGrace;
        Task finished;
        try
        {
            finished = await Task.WhenAny(done.Task, teachersExited).WaitAsync(limit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"a round of {side.Teachers} teacher(s) did not end within {limit.TotalSeconds:F0} s: {teachers.Errors()}");
        }

        return finished == done.Task
            ? await done.Task.ConfigureAwait(false)
            : throw new InvalidOperationException($"a teacher process ended during the measurement: {teachers.Errors()}");
    }
}
