using MultiTeacher.Configuration;

namespace MultiTeacher.Cluster.Tests;

/// <summary>Reading <see cref="ClusterNodeSettings"/> from the configuration and its environment overrides, and what <see cref="ClusterNodeSettings.Validate"/> refuses.</summary>
public sealed class ClusterNodeSettingsTests
{
    private static ClusterNodeSettings Read(params (string Name, string Value)[] environment) =>
        ClusterNodeSettings.From(MultiTeacherConfiguration.Load(ClusterNodeTests.RepositoryFile("cluster.hocon"), [],
            environment.ToDictionary(e => e.Name, e => e.Value)));

    [Fact]
    public void From_RepositoryClusterHocon_LoopbackNoSeedsNoTls()
    {
        var settings = Read();

        Assert.Equal("127.0.0.1", settings.Hostname);
        Assert.Equal(2552, settings.Port);
        Assert.Equal("", settings.PublicHostname);
        Assert.Empty(settings.SeedNodes);
        Assert.Empty(settings.Roles);
        Assert.False(settings.EnableTls);
        Assert.True(settings.BindsToLoopbackOnly);
        settings.Validate();
    }

    [Fact]
    public void From_MtVariables_OverrideHostPortPublicHostnameAndSeeds()
    {
        var settings = Read(("MT_HOSTNAME", "0.0.0.0"), ("MT_PORT", "4053"), ("MT_PUBLIC_HOSTNAME", "node-1.example"),
            ("MT_SEED_NODES", "akka.tcp://multiteacher@10.0.0.1:4053, akka.tcp://multiteacher@10.0.0.2:4053"));

        Assert.Equal("0.0.0.0", settings.Hostname);
        Assert.Equal(4053, settings.Port);
        Assert.Equal("node-1.example", settings.PublicHostname);
        Assert.Equal(["akka.tcp://multiteacher@10.0.0.1:4053", "akka.tcp://multiteacher@10.0.0.2:4053"], settings.SeedNodes);
        Assert.False(settings.BindsToLoopbackOnly);
        settings.Validate();
    }

    [Fact]
    public void From_MistypedPort_NamesTheKeyAndTheVariable()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Read(("MT_PORT", "forty")));

        Assert.Contains("akka.remote.dot-netty.tcp.port", error.Message, StringComparison.Ordinal);
        Assert.Contains("forty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("akka.tcp://other@127.0.0.1:4053", "actor system 'other'")]
    [InlineData("not an address", "is not a node address")]
    [InlineData("akka.tcp://multiteacher@127.0.0.1", "lacks a host or port")]
    public void Validate_BadSeed_NamesTheSeedAndTheProblem(string seed, string problem)
    {
        var settings = Read() with { SeedNodes = [seed] };

        var error = Assert.Throws<InvalidConfigurationException>(settings.Validate);

        Assert.Contains($"'{seed}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Validate_PortOutOfRange_Refused(int port)
    {
        var error = Assert.Throws<InvalidConfigurationException>((Read() with { Port = port }).Validate);

        Assert.Contains("akka.remote.dot-netty.tcp.port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TlsWithoutCertificate_NamesTheCertificateKey()
    {
        var missing = Assert.Throws<InvalidConfigurationException>((Read() with { EnableTls = true }).Validate);
        var notFound = Assert.Throws<InvalidConfigurationException>((Read() with { EnableTls = true, CertificatePath = "/nonexistent/node.pfx" }).Validate);

        Assert.Contains("ssl.certificate.path is empty", missing.Message, StringComparison.Ordinal);
        Assert.Contains("'/nonexistent/node.pfx' not found", notFound.Message, StringComparison.Ordinal);
    }
}
