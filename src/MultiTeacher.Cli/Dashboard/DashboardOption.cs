using System.CommandLine;
using Akka.Actor;
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
    public static Task<T> RunAsync<T>(string? spec, Config akka, Func<Config, Func<IRunProgress, IRunProgress>, Task<T>> run, Func<T, string> reportOf,
        CancellationToken cancellationToken) =>
        spec is null
            ? run(akka, progress => progress)
            : WithDashboardAsync(spec, dashboard => run(dashboard.Over(akka), progress => new DashboardProgress(progress, dashboard.Board)), reportOf,
                cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync{T}"/> for a cluster node whose ActorSystem <paramref name="system"/> already runs
    /// (<c>mt node</c>, <c>mt cluster demo</c>): the dashboard watches that system, its members included.
    /// <paramref name="reportOf"/> gives null when the command wrote no report (a teacher node).
    /// </summary>
    public static Task<T> RunOnNodeAsync<T>(string? spec, ActorSystem system, Func<Func<IRunProgress, IRunProgress>, Task<T>> run, Func<T, string?> reportOf,
        CancellationToken cancellationToken) =>
        spec is null
            ? run(progress => progress)
            : WithDashboardAsync(spec, dashboard =>
            {
                dashboard.Watch(system);
                return run(progress => new DashboardProgress(progress, dashboard.Board));
            }, reportOf, cancellationToken);

    private static async Task<T> WithDashboardAsync<T>(string spec, Func<LiveDashboard, Task<T>> run, Func<T, string?> reportOf, CancellationToken cancellationToken)
    {
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
            result = await run(dashboard).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            dashboard.Finish(e is OperationCanceledException ? "interrupted" : e.Message, null, failed: true);
            throw;
        }

        var report = reportOf(result);
        dashboard.Finish(report is null ? "the command ended" : $"report written to {report}", report);
        if (!cancellationToken.IsCancellationRequested && !Console.IsInputRedirected && !Console.IsErrorRedirected)
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
