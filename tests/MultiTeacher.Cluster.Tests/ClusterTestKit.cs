using Akka.Cluster;
using Akka.Configuration;
using MultiTeacher.Configuration;
using Xunit.Abstractions;

namespace MultiTeacher.Cluster.Tests;

/// <summary>
/// Akka's TestKit (its own system with serialize-messages on) plus cluster nodes started through
/// <see cref="ClusterNode.Start(ClusterNodeSettings, Config)"/> on free loopback ports, from the built-in defaults of
/// the configuration (the same keys as cluster.hocon) without the machine's MT_ variables. Every node round-trips its
/// local messages through its serializer, logs into a <see cref="CapturingLogger"/>, and is stopped at the end.
/// <see cref="Abort"/> stops a node without leaving the cluster, as a killed process would.
/// </summary>
public abstract class ClusterTestKit(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(TestConfig, output: output), IAsyncLifetime
{
    private readonly List<ClusterNode> _nodes = [];

    /// <summary>Messages are round-tripped through their serializer; the product's defaults beneath.</summary>
    public static Config TestConfig { get; } = ConfigurationFactory.ParseString("""
        akka.actor.serialize-messages = on
        akka.actor.serialize-creators = on
        akka.loggers = ["Akka.TestKit.TestEventListener, Akka.TestKit"]
        """).WithFallback(Loaded.Config);

    /// <summary>The built-in defaults, loaded without environment variables.</summary>
    public static LoadedConfiguration Loaded => MultiTeacherConfiguration.Load(null, [], new Dictionary<string, string>());

    /// <summary>What every test node starts from: ActorSystem.Terminate does not leave the cluster (see <see cref="Abort"/>).</summary>
    public static Config NodeConfig { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor.serialize-messages = on
        akka.loglevel = INFO
        akka.loggers = ["{{CapturingLogger.TypeName}}"]
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        """).WithFallback(Loaded.Config);

    /// <summary>The shipped settings with a test's host, a free port, seeds and roles.</summary>
    protected static ClusterNodeSettings Settings(string host, IEnumerable<string>? seeds = null, params string[] roles) =>
        ClusterNodeSettings.From(Loaded) with { Hostname = host, Port = 0, SeedNodes = [.. seeds ?? []], Roles = roles };

    /// <summary>Starts a node (stopped at the end of the test) with <paramref name="hocon"/> over <see cref="NodeConfig"/>.</summary>
    protected ClusterNode StartNode(ClusterNodeSettings settings, string hocon = "")
    {
        var node = ClusterNode.Start(settings, ConfigurationFactory.ParseString(hocon).WithFallback(NodeConfig));
        _nodes.Add(node);
        return node;
    }

    /// <summary>Starts a node on <paramref name="host"/> that joins <paramref name="seed"/> (none: a new cluster).</summary>
    protected ClusterNode StartNode(string host, ClusterNode? seed = null, params string[] roles) =>
        StartNode(Settings(host, seed is null ? [] : [seed.Address.ToString()], roles));

    /// <summary>Waits until every node sees <paramref name="count"/> members Up.</summary>
    protected static async Task AllUp(int count, TimeSpan timeout, params ClusterNode[] nodes)
    {
        using var cancel = new CancellationTokenSource(timeout);
        foreach (var node in nodes)
        {
            await node.WhenUp(timeout);
            while (node.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up) < count)
            {
                await Task.Delay(50, cancel.Token);
            }
        }
    }

    /// <summary>Stops a node without leaving the cluster: the others notice only that it went silent.</summary>
    protected static Task Abort(ClusterNode node) => node.System.Terminate();

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Task.WhenAll(_nodes.Select(n => n.System.Terminate()));
        foreach (var node in _nodes)
        {
            CapturingLogger.Forget(node.System);
        }
    }
}
