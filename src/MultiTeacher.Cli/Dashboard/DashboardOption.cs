using System.CommandLine;
using Akka.Configuration;
using MultiTeacher.Cli.Commands;
using MultiTeacher.Dashboard;
using MultiTeacher.Dashboard.Server;
using MultiTeacher.Distillation.Experiments;

namespace MultiTeacher.Cli.Dashboard;

/// <summary>
/// <c>--dashboard [HOST:]PORT</c> of the commands that run a distillation: serves the live dashboard while the command
/// runs (127.0.0.1 unless a host is given; port 0 picks a free one) and prints its URL. Off by default.
/// </summary>
internal static class DashboardOption
{
    public static Option<string?> Create() => new("--dashboard")
    {
        Description = "Serve a live dashboard of the run at [HOST:]PORT (default host 127.0.0.1; port 0 picks a free one; read-only, no authentication).",
        HelpName = "[HOST:]PORT",
    };

    /// <summary>
    /// Runs <paramref name="run"/> with the ActorSystem configuration <paramref name="akka"/>, watched by a dashboard at
    /// <paramref name="spec"/> when one is asked for; <paramref name="run"/>'s second argument wraps the command's
    /// progress so the page shows its phases too. The dashboard says when the command ended and links
    /// <paramref name="reportOf"/>'s file; on a terminal it then stays up until Ctrl+C, so the final state can be read.
    /// </summary>
    public static async Task<T> RunAsync<T>(string? spec, Config akka, Func<Config, Func<IRunProgress, IRunProgress>, Task<T>> run, Func<T, string> reportOf,
        CancellationToken cancellationToken)
    {
        if (spec is null)
        {
            return await run(akka, progress => progress).ConfigureAwait(false);
        }

        DashboardEndpoint endpoint;
        try
        {
            endpoint = DashboardEndpoint.Parse(spec);
        }
        catch (FormatException e)
        {
            throw new CliUsageException(e.Message);
        }

        await using var dashboard = await LiveDashboard.StartAsync(endpoint, cancellationToken).ConfigureAwait(false);
        await Console.Error.WriteLineAsync($"mt: dashboard at {dashboard.Url}").ConfigureAwait(false);
        if (dashboard.Warning is { } warning)
        {
            await Console.Error.WriteLineAsync($"mt: warning: {warning}").ConfigureAwait(false);
        }

        T result;
        try
        {
            result = await run(dashboard.Over(akka), progress => new DashboardProgress(progress, dashboard.Board)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            dashboard.Finish(e is OperationCanceledException ? "interrupted" : e.Message, null, failed: true);
            throw;
        }

        var report = reportOf(result);
        dashboard.Finish($"report written to {report}", report);
        if (!Console.IsInputRedirected && !Console.IsErrorRedirected)
        {
            await Console.Error.WriteLineAsync($"mt: the run is over; the dashboard stays at {dashboard.Url} until Ctrl+C").ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C after the run: the results are written, so this is a normal end.
            }
        }

        return result;
    }
}
