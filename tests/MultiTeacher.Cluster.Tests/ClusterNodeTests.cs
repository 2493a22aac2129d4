using Akka.Event;
using MultiTeacher.Configuration;
using Xunit.Abstractions;

namespace MultiTeacher.Cluster.Tests;

/// <summary>Starting nodes: joining over TCP, what local runs keep, and what is refused or warned about at start.</summary>
public sealed class ClusterNodeTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    private static readonly TimeSpan s_upTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Start_SecondNodeOnAnotherLoopbackAddress_BothSeeTwoMembersUpWithTheirRoles()
    {
        var first = StartNode("127.0.0.2", null, "coordinator");
        var second = StartNode("127.0.0.3", first, "teacher", "aggregator");

        await AllUp(2, s_upTimeout, first, second);

        Assert.Equal("akka.tcp", first.Address.Protocol);
        Assert.Equal(ClusterNodeSettings.SystemName, first.Address.System);
        Assert.NotEqual(0, first.Address.Port);
        var seenByFirst = first.Cluster.State.Members.Single(m => m.Address == second.Address);
        Assert.Equal(["aggregator", "teacher"], seenByFirst.Roles.Order());
        Assert.Equal("127.0.0.3", seenByFirst.Address.Host);
        Assert.Contains(second.Cluster.State.Members, m => m.Address == first.Address && m.HasRole("coordinator"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ActorSystem_FromTheLoadedConfigWithoutTheFactory_StaysLocal(bool fromRepositoryFile)
    {
        var loaded = MultiTeacherConfiguration.Load(fromRepositoryFile ? RepositoryFile("cluster.hocon") : null, [], new Dictionary<string, string>());
        var system = ActorSystem.Create("local-run", loaded.Config);
        try
        {
            var provider = ((ExtendedActorSystem)system).Provider;
            Assert.Equal("Akka.Actor.LocalActorRefProvider", provider.GetType().FullName);
            Assert.Null(provider.DefaultAddress.Port);
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Theory]
    [InlineData(false, "akka.ssl.tcp://multiteacher@127.0.0.1:4053", "akka.ssl.tcp://", "enable-ssl = off")]
    [InlineData(true, "akka.tcp://multiteacher@127.0.0.1:4053", "akka.tcp://", "enable-ssl = on")]
    public void Start_SeedSchemeDisagreesWithTls_RefusedNamingBoth(bool tls, string seed, string seedScheme, string nodeSetting)
    {
        var settings = Settings("127.0.0.1", [seed]) with { EnableTls = tls, CertificatePath = tls ? typeof(ClusterNodeTests).Assembly.Location : "" };

        var error = Assert.Throws<InvalidConfigurationException>(() => StartNode(settings));

        Assert.Contains("akka.cluster.seed-nodes", error.Message, StringComparison.Ordinal);
        Assert.Contains(seedScheme, error.Message, StringComparison.Ordinal);
        Assert.Contains("akka.remote.dot-netty.tcp." + nodeSetting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BoundToAllInterfacesWithoutTls_LogsOneWarning()
    {
        var exposed = StartNode(Settings("0.0.0.0") with { PublicHostname = "127.0.0.1" });
        var loopback = StartNode("127.0.0.1");
        await AllUp(1, s_upTimeout, exposed, loopback);

        static IEnumerable<string> Warnings(ClusterNode node) => CapturingLogger.EventsOf(node.System)
            .Where(e => e.LogLevel() == LogLevel.WarningLevel && e.Message.ToString()!.Contains("not a loopback address", StringComparison.Ordinal))
            .Select(e => e.Message.ToString()!);

        var warning = Assert.Single(Warnings(exposed));
        Assert.Contains("0.0.0.0", warning, StringComparison.Ordinal);
        Assert.Contains("enable-ssl", warning, StringComparison.Ordinal);
        Assert.Empty(Warnings(loopback));
    }

    internal static string RepositoryFile(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MultiTeacher.sln")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("no MultiTeacher.sln above " + AppContext.BaseDirectory), name);
    }
}
