using MultiTeacher.Core.Training;
using Spectre.Console;

namespace MultiTeacher.Cli.Terminal;

/// <summary>
/// A progress bar for training (epoch, loss, accuracy, samples/s, time left) when stderr is a terminal; silent
/// otherwise, so logs and pipes stay clean.
/// </summary>
internal static class TrainingProgressView
{
    public static bool Interactive => !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/>, giving it a progress callback that drives a bar titled <paramref name="title"/>.</summary>
    public static T Run<T>(string title, Func<Action<TrainingProgress>, T> work)
    {
        if (!Interactive)
        {
            return work(_ => { });
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: 1.0);
                var result = work(p =>
                {
                    task.Value = p.Fraction;
                    task.Description = Markup.Escape(
                        $"{title}  epoch {p.Epoch}/{p.Epochs}  loss {p.Loss:F4}  acc {p.Accuracy:P1}  {p.SamplesPerSecond:N0} samples/s");
                });
                task.Value = 1.0;
                return result;
            });
    }
}
