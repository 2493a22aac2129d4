using Akka.Cluster;
using Xunit.Abstractions;

namespace MultiTeacher.Cluster.Tests;

/// <summary>Nodes with a certificate join over TLS; a node without TLS cannot join them.</summary>
public sealed class TlsTests(ITestOutputHelper output) : ClusterTestKit(output), IDisposable
{
    private readonly SelfSignedCertificate _certificate = new();

    private ClusterNodeSettings Tls(IEnumerable<string>? seeds = null) => Settings("127.0.0.1", seeds) with
    {
        EnableTls = true,
        CertificatePath = _certificate.Path,
        CertificatePassword = _certificate.Password,
        SuppressTlsValidation = true, // self-signed
    };

    [Fact]
    public async Task Join_TwoNodesWithCertificates_UpOverTlsAndAPlainNodeIsKeptOut()
    {
        var first = StartNode(Tls());
        var second = StartNode(Tls([first.Address.ToString()]));
        await AllUp(2, TimeSpan.FromSeconds(20), first, second);
        Assert.Equal("akka.ssl.tcp", first.Address.Protocol);
        Assert.Equal("akka.ssl.tcp", second.Address.Protocol);

        // Same host and port, plain TCP: the scheme agrees with this node's settings, so it starts, but the TLS node
        // rejects the connection and the plain node never becomes a member.
        var plainSeed = $"akka.tcp://{ClusterNodeSettings.SystemName}@{first.Address.Host}:{first.Address.Port}";
        var plain = StartNode(Settings("127.0.0.1", [plainSeed]));

        await Assert.ThrowsAsync<TimeoutException>(() => plain.WhenUp(TimeSpan.FromSeconds(8)));
        Assert.Equal(2, first.Cluster.State.Members.Count);
        Assert.DoesNotContain(first.Cluster.State.Members, m => m.Address.Port == plain.Address.Port);
        Assert.NotEqual(MemberStatus.Up, plain.Cluster.SelfMember.Status);
    }

    void IDisposable.Dispose()
    {
        _certificate.Dispose();
        Dispose(true);
    }
}
