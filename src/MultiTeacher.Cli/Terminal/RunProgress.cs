using System.Diagnostics;
using MultiTeacher.Distillation.Experiments;
using Spectre.Console;

namespace MultiTeacher.Cli.Terminal;

/// <summary>
/// Shows a run's phases: progress bars on a terminal (stderr), one line per finished phase otherwise, so logs stay
/// readable.
/// </summary>
internal static class RunProgress
{
    /// <summary>Runs <paramref name="work"/> with a progress sink suited to where stderr goes.</summary>
    public static async Task<T> RunAsync<T>(Func<IRunProgress, Task<T>> work)
    {
        if (!TrainingProgressView.Interactive)
        {
            return await work(new LineProgress()).ConfigureAwait(false);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(context => work(new BarProgress(context))).ConfigureAwait(false);
    }

    private sealed class BarProgress(ProgressContext context) : IRunProgress
    {
        public IPhase Phase(string name, double total) => new Bar(context.AddTask(Markup.Escape(name), maxValue: Math.Max(total, 1e-9)), name);

        private sealed class Bar(ProgressTask task, string name) : IPhase
        {
            public void Report(double done, string? detail = null)
            {
                task.Value = done;
                if (detail is not null)
                {
                    task.Description = Markup.Escape($"{name}: {detail}");
                }
            }

            public void Dispose()
            {
                task.Value = task.MaxValue;
                task.StopTask();
            }
        }
    }

    private sealed class LineProgress : IRunProgress
    {
        public IPhase Phase(string name, double total) => new Line(name);

        private sealed class Line(string name) : IPhase
        {
            private readonly Stopwatch _clock = Stopwatch.StartNew();
            private string? _detail;

            public void Report(double done, string? detail = null) => _detail = detail ?? _detail;

            public void Dispose() =>
                Console.Error.WriteLine($"mt: {name}{(_detail is null ? "" : $" ({_detail})")}: {_clock.Elapsed.TotalSeconds:F1} s");
        }
    }
}
