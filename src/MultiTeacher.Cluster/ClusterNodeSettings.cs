using System.Net;
using Akka.Actor;
using MultiTeacher.Configuration;

namespace MultiTeacher.Cluster;

/// <summary>
/// Where a cluster node listens, whom it joins and how it secures its traffic, read once from the loaded configuration
/// (<c>akka.remote.dot-netty.tcp</c> and <c>akka.cluster</c> of <c>cluster.hocon</c>, with the <c>MT_HOSTNAME</c>,
/// <c>MT_PORT</c>, <c>MT_PUBLIC_HOSTNAME</c> and <c>MT_SEED_NODES</c> overrides). <see cref="ClusterNode.Start(ClusterNodeSettings, Akka.Configuration.Config)"/>
/// writes these values over the configuration it starts the ActorSystem with, so what is checked here is what runs.
/// </summary>
/// <param name="Hostname">Address the node binds to.</param>
/// <param name="Port">Port it listens on; 0 picks a free one.</param>
/// <param name="PublicHostname">Address other nodes reach it by; empty means <paramref name="Hostname"/>.</param>
/// <param name="SeedNodes">Addresses of the nodes to join (<c>akka.tcp://multiteacher@host:port</c>); empty starts a new cluster.</param>
/// <param name="Roles">The node's roles (teacher, aggregator, student, coordinator).</param>
/// <param name="EnableTls">Whether traffic between nodes is TLS (<c>akka.ssl.tcp</c>).</param>
/// <param name="CertificatePath">The PKCS#12 certificate file, an absolute path (relative paths are resolved against the configuration file); empty without TLS.</param>
/// <param name="CertificatePassword">Its password.</param>
/// <param name="SuppressTlsValidation">Accept any peer certificate (self-signed ones in tests).</param>
public sealed record ClusterNodeSettings(string Hostname, int Port, string PublicHostname, IReadOnlyList<string> SeedNodes,
    IReadOnlyList<string> Roles, bool EnableTls, string CertificatePath, string CertificatePassword, bool SuppressTlsValidation)
{
    /// <summary>The name of every node's ActorSystem; a seed address must name it.</summary>
    public const string SystemName = "multiteacher";

    private const string Tcp = "akka.remote.dot-netty.tcp";

    /// <summary>The protocol of this node's addresses: <c>akka.ssl.tcp</c> with TLS, <c>akka.tcp</c> without.</summary>
    public string Protocol => EnableTls ? "akka.ssl.tcp" : "akka.tcp";

    /// <summary>Whether the node binds to a loopback address only (<c>localhost</c>, 127.0.0.0/8, ::1).</summary>
    public bool BindsToLoopbackOnly =>
        Hostname.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(Hostname, out var address) && IPAddress.IsLoopback(address));

    /// <summary>
    /// Reads the settings from <paramref name="loaded"/>. Seed nodes and roles may be arrays or comma lists (what
    /// <c>MT_SEED_NODES</c> gives). A relative certificate path is resolved against the configuration file's folder.
    /// </summary>
    /// <exception cref="InvalidConfigurationException">A value is missing or of the wrong type (the message names its key).</exception>
    public static ClusterNodeSettings From(LoadedConfiguration loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        var tcp = loaded.Section(Tcp);
        var cluster = loaded.Section("akka.cluster");
        string certificate = tcp.GetString("ssl.certificate.path");
        if (certificate.Length > 0 && !Path.IsPathRooted(certificate) && loaded.File is not null)
        {
            certificate = Path.GetFullPath(certificate, Path.GetDirectoryName(Path.GetFullPath(loaded.File))!);
        }
        return new ClusterNodeSettings(
            tcp.GetString("hostname"),
            tcp.GetInt("port"),
            tcp.GetString("public-hostname"),
            cluster.GetStringList("seed-nodes"),
            cluster.GetStringList("roles"),
            tcp.GetBoolean("enable-ssl"),
            certificate,
            tcp.GetString("ssl.certificate.password"),
            tcp.GetBoolean("ssl.suppress-validation"));
    }

    /// <summary>
    /// Refuses settings a node cannot run with, before any ActorSystem starts. A seed whose scheme disagrees with
    /// <see cref="EnableTls"/> matters most: Akka 1.5.75, given an <c>akka.ssl.tcp</c> seed without TLS, logs
    /// <c>No transport is loaded for protocol</c> in a tight loop (about 600,000 lines in 15 s) instead of failing.
    /// </summary>
    /// <exception cref="InvalidConfigurationException">What is wrong, naming the keys involved.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Hostname))
        {
            throw new InvalidConfigurationException($"{Tcp}.hostname: empty (give the address this node binds to, such as 127.0.0.1)");
        }
        if (Port is < 0 or > 65535)
        {
            throw new InvalidConfigurationException($"{Tcp}.port: {Port} is not a TCP port (0 to 65535; 0 picks a free one)");
        }
        foreach (string seed in SeedNodes)
        {
            CheckSeed(seed);
        }
        if (EnableTls && CertificatePath.Length == 0)
        {
            throw new InvalidConfigurationException($"{Tcp}.enable-ssl is on but {Tcp}.ssl.certificate.path is empty: give a .pfx certificate");
        }
        if (EnableTls && !File.Exists(CertificatePath))
        {
            throw new InvalidConfigurationException($"{Tcp}.ssl.certificate.path: '{CertificatePath}' not found");
        }
    }

    private void CheckSeed(string seed)
    {
        Address address;
        try
        {
            address = Address.Parse(seed);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            throw new InvalidConfigurationException($"akka.cluster.seed-nodes: '{seed}' is not a node address such as {Protocol}://{SystemName}@host:port", e);
        }
        if (address.Host is null || address.Port is null or <= 0)
        {
            throw new InvalidConfigurationException($"akka.cluster.seed-nodes: '{seed}' lacks a host or port ({Protocol}://{SystemName}@host:port)");
        }
        if (address.Protocol != Protocol)
        {
            throw new InvalidConfigurationException(
                $"akka.cluster.seed-nodes: '{seed}' uses {address.Protocol}:// but this node has {Tcp}.enable-ssl = {(EnableTls ? "on" : "off")}, "
                + $"so it speaks {Protocol}://; every node of a cluster must agree on TLS (write {Protocol}:// seeds, or change enable-ssl)");
        }
        if (address.System != SystemName)
        {
            throw new InvalidConfigurationException(
                $"akka.cluster.seed-nodes: '{seed}' names the actor system '{address.System}'; every MultiTeacher node's is '{SystemName}'");
        }
    }
}
