using System.Net;
using System.Net.Sockets;
using Akka.Event;
using Xunit.Abstractions;

namespace MultiTeacher.Cluster.Tests;

/// <summary>A node whose seed never answers keeps retrying, and its log grows by a bounded number of lines.</summary>
public sealed class UnansweredSeedTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    private readonly ITestOutputHelper _output = output;

    /// <summary>A loopback port that was free a moment ago and that nothing listens on.</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Start_SeedNeverAnswers_LogLinesStayBounded(bool seedAcceptsButIsSilent)
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        int port = ClosedPort();
        if (seedAcceptsButIsSilent)
        {
            silent.Start();
            port = ((IPEndPoint)silent.LocalEndpoint).Port;
        }
        var node = StartNode(Settings("127.0.0.1", [$"akka.tcp://{ClusterNodeSettings.SystemName}@127.0.0.1:{port}"]));
        var window = TimeSpan.FromSeconds(12);

        await Assert.ThrowsAsync<TimeoutException>(() => node.WhenUp(window));

        var events = CapturingLogger.EventsOf(node.System);
        var shipped = events.Where(e => e.LogLevel() >= LogLevel.WarningLevel).ToList();
        _output.WriteLine($"{(seedAcceptsButIsSilent ? "silent" : "closed")} seed, {window.TotalSeconds} s: {events.Count} lines at INFO and above, "
            + $"{shipped.Count} at WARNING and above (the shipped akka.loglevel)");
        foreach (var line in shipped.Take(12))
        {
            _output.WriteLine("  " + line.ToString().Split('\n')[0]);
        }
        Assert.InRange(shipped.Count, 0, 24); // 2 lines a second at most: 120 a minute
        Assert.InRange(events.Count, 1, 60);
    }
}
