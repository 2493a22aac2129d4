using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MultiTeacher.Dashboard.Status;

namespace MultiTeacher.Dashboard.Server;

/// <summary>
/// The live run dashboard: a Kestrel server in this process that serves the page (<c>/</c>), its live feed
/// (<c>/events</c>, server-sent events), the same numbers as JSON (<c>/api/status</c>) and, once the command wrote it,
/// the final report (<c>/report.html</c>). Read-only: every endpoint is a GET, and nothing reaches the run.
/// Start it, then either create the run's ActorSystems from <see cref="Over"/> their configuration, or
/// <see cref="Watch"/> a system that already runs (a cluster node's); call <see cref="Finish"/> when the command ends.
/// </summary>
public sealed class LiveDashboard : IAsyncDisposable
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private readonly WebApplication _app;
    private readonly string _boardId = Guid.NewGuid().ToString("N");

    private LiveDashboard(WebApplication app, StatusBoard board, DashboardEndpoint endpoint)
    {
        _app = app;
        Board = board;
        Endpoint = endpoint;
    }

    /// <summary>The page's address (with the port Kestrel bound when 0 was asked).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Where it was asked to listen.</summary>
    public DashboardEndpoint Endpoint { get; }

    /// <summary>The status the page shows.</summary>
    public StatusBoard Board { get; }

    /// <summary>
    /// <paramref name="akka"/> with what makes an ActorSystem created from it report here (an Akka extension added to
    /// <c>akka.extensions</c>): for commands whose runs create ActorSystems of their own.
    /// </summary>
    public Config Over(Config akka) => DashboardExtension.Over(akka, _boardId, Board);

    /// <summary>The warning to print when the page is reachable from other machines, or null on loopback.</summary>
    public string? Warning => Endpoint.IsLoopback ? null :
        $"the dashboard listens on {Url}, which is not a loopback address: it has no authentication, so anyone who reaches that port can read " +
        "the run's progress (it cannot change the run); bind it to 127.0.0.1 or put it behind a proxy that authenticates";

    /// <summary>Starts Kestrel on <paramref name="endpoint"/>.</summary>
    /// <exception cref="IOException">The address cannot be bound (in use, not this machine's); the message names it.</exception>
    public static async Task<LiveDashboard> StartAsync(DashboardEndpoint endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        builder.WebHost.ConfigureKestrel(k => k.Listen(endpoint.Address, endpoint.Port));
        var board = new StatusBoard();
        var app = builder.Build();
        var dashboard = new LiveDashboard(app, board, endpoint);
        MapEndpoints(app, board);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"the dashboard cannot listen on {endpoint.Address}:{endpoint.Port}: {e.Message}", e);
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        dashboard.Url = new Uri(bound.EndsWith('/') ? bound : bound + "/");
        return dashboard;
    }

    /// <summary>
    /// Starts a watcher in <paramref name="system"/>, which reports here: for an ActorSystem that lives longer than a
    /// run (a coordinator node), which was created without <see cref="Over"/>.
    /// </summary>
    public IActorRef Watch(ActorSystem system) => StatusActor.Start(system, Board, "dashboard-status-" + _boardId[..8]);

    /// <summary>The command ended: the page says so and links <paramref name="reportFile"/> when it exists.</summary>
    public void Finish(string message, string? reportFile, bool failed = false) => Board.Finish(message, reportFile, failed);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        DashboardExtension.Forget(_boardId);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static void MapEndpoints(WebApplication app, StatusBoard board)
    {
        app.MapGet("/", () => Results.Content(DashboardPage.Html, "text/html; charset=utf-8"));
        app.MapGet("/api/status", () => Results.Json(board.Current, s_json));
        app.MapGet("/report.html", () => board.ReportFile is { } file && File.Exists(file)
            ? Results.File(file, "text/html; charset=utf-8")
            : Results.NotFound("the run has not written its report yet"));
        app.MapGet("/events", (HttpContext context, IHostApplicationLifetime lifetime) => StreamAsync(context, board, lifetime.ApplicationStopping));
    }

    /// <summary>Server-sent events: the status and its charts at once, then at every change; a comment every 15 s keeps proxies from closing it.</summary>
    private static async Task StreamAsync(HttpContext context, StatusBoard board, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var token = linked.Token;
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        long seen = -1;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var version = board.Version;
                if (version > seen)
                {
                    seen = version;
                    var status = board.Current;
                    var payload = JsonSerializer.Serialize(new { status, charts = new { loss = DashboardCharts.Loss(status), accuracy = DashboardCharts.Accuracy(status) } }, s_json);
                    await context.Response.WriteAsync($"data: {payload}\n\n", token).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(token).ConfigureAwait(false);
                }

                using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(token);
                heartbeat.CancelAfter(TimeSpan.FromSeconds(15));
                try
                {
                    await board.WaitForChangeAsync(seen, heartbeat.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    await context.Response.WriteAsync(": keep-alive\n\n", token).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The page closed or the server stops.
        }
    }

    /// <summary>Leaves Ctrl+C to the command: the web host neither traps it nor prints its start-up banner.</summary>
    private sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
