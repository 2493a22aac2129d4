using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;

namespace MultiTeacher.Cli.Commands;

/// <summary>
/// Runs a command's body and turns the errors a user can cause (bad files, bad arguments, missing data) into one line
/// on stderr and exit code 2; Ctrl+C becomes exit code 130. Programming errors keep their stack trace.
/// </summary>
internal static class CommandRunner
{
    public const int UserError = 2;
    public const int Interrupted = 130;

    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("mt: interrupted; nothing was written").ConfigureAwait(false);
            return Interrupted;
        }
        catch (Exception e) when (IsUserError(e))
        {
            await Console.Error.WriteLineAsync($"mt: error: {e.Message}").ConfigureAwait(false);
            return UserError;
        }
    }

    public static Task<int> Run(Func<CancellationToken, int> body, CancellationToken cancellationToken) =>
        RunAsync(token => Task.FromResult(body(token)), cancellationToken);

    private static bool IsUserError(Exception e) => e is IOException or UnauthorizedAccessException or ArchitectureException
        or ShapeMismatchException or NonFiniteException or ArgumentException or InvalidOperationException or FormatException
        or CliUsageException or Configuration.InvalidConfigurationException or Distillation.Pipeline.PipelineException;
}
