using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Akka.Event;
using MultiTeacher.Cluster.Serialization;
using MultiTeacher.Configuration;

namespace MultiTeacher.Cluster;

/// <summary>
/// A running cluster node: the ActorSystem <c>multiteacher</c> with <c>akka.actor.provider = cluster</c>, bound and
/// joining as its <see cref="ClusterNodeSettings"/> say. Only this factory turns the cluster provider on, so the same
/// <c>cluster.hocon</c> leaves local runs (<c>mt distill</c>, <c>mt demo</c>) on Akka's local provider, without a port.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private ClusterNode(ActorSystem system, ClusterNodeSettings settings)
    {
        System = system;
        Settings = settings;
        Cluster = Akka.Cluster.Cluster.Get(system);
    }

    /// <summary>The node's ActorSystem.</summary>
    public ActorSystem System { get; }

    /// <summary>The settings it was started with.</summary>
    public ClusterNodeSettings Settings { get; }

    /// <summary>Akka's cluster extension of <see cref="System"/>.</summary>
    public Akka.Cluster.Cluster Cluster { get; }

    /// <summary>The node's own address, with the port it actually bound (a port of 0 in the settings picks a free one).</summary>
    public Address Address => Cluster.SelfAddress;

    /// <summary>
    /// Checks <paramref name="settings"/>, starts the ActorSystem with them over <paramref name="config"/> (normally
    /// the loaded <c>cluster.hocon</c>, perhaps with a test's settings over it) and joins: the seed nodes when there
    /// are some, otherwise itself, so the first node of a cluster needs no seed. A node bound to a non-loopback address
    /// without TLS logs one warning. DistributedPubSub (run announcements, checkpoints) starts with the node. Beneath <paramref name="config"/> lies <see cref="TensorMessageSerializer.Binding"/>:
    /// the messages that carry tensors travel as raw float32.
    /// </summary>
    /// <exception cref="InvalidConfigurationException">The settings are refused (<see cref="ClusterNodeSettings.Validate"/>).</exception>
    public static ClusterNode Start(ClusterNodeSettings settings, Config config)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(config);
        settings.Validate();
        var system = ActorSystem.Create(ClusterNodeSettings.SystemName,
            Overlay(settings).WithFallback(config).WithFallback(TensorMessageSerializer.Binding));
        var node = new ClusterNode(system, settings);

        // DistributedPubSub from the start: its serializer must be known before another node's mediator gossips here
        // (otherwise the first gossip fails to deserialize, "Could not find any internal Akka.NET serializer with Id [9]").
        DistributedPubSub.Get(system);
        if (!settings.BindsToLoopbackOnly && !settings.EnableTls)
        {
            system.Log.Warning("{0}", $"this node listens on {settings.Hostname}:{node.Address.Port}, which is not a loopback address, "
                + "without TLS: anyone who reaches that port can join the cluster and read its traffic (set akka.remote.dot-netty.tcp.enable-ssl "
                + "and a certificate, or bind to 127.0.0.1)");
        }
        if (settings.SeedNodes.Count == 0)
        {
            node.Cluster.Join(node.Address);
        }
        return node;
    }

    /// <summary>Starts a node with the settings and configuration of <paramref name="loaded"/>.</summary>
    /// <exception cref="InvalidConfigurationException">A value is missing or mistyped, or the settings are refused.</exception>
    public static ClusterNode Start(LoadedConfiguration loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        return Start(ClusterNodeSettings.From(loaded), loaded.Config);
    }

    /// <summary>Completes when this node is Up in the cluster; fails with <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public Task WhenUp(TimeSpan timeout)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Cluster.RegisterOnMemberUp(() => up.TrySetResult());
        return up.Task.WaitAsync(timeout);
    }

    /// <summary>Leaves the cluster gracefully and stops the ActorSystem (Akka's coordinated shutdown).</summary>
    public async ValueTask DisposeAsync()
    {
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).ConfigureAwait(false);
        await System.WhenTerminated.ConfigureAwait(false);
    }

    /// <summary>The settings written over the configuration: what <see cref="ClusterNodeSettings"/> holds is what runs.</summary>
    internal static Config Overlay(ClusterNodeSettings settings)
    {
        static string Q(string text) => ConfigPath.QuoteAlways(text);
        static string List(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Q)) + "]";
        return ConfigurationFactory.ParseString(string.Create(CultureInfo.InvariantCulture, $$"""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp {
              hostname = {{Q(settings.Hostname)}}
              port = {{settings.Port}}
              public-hostname = {{Q(settings.PublicHostname)}}
              enable-ssl = {{(settings.EnableTls ? "true" : "false")}}
              ssl.certificate.path = {{Q(settings.CertificatePath)}}
              ssl.certificate.password = {{Q(settings.CertificatePassword)}}
              ssl.certificate.use-thumbprint-over-file = false
              ssl.suppress-validation = {{(settings.SuppressTlsValidation ? "true" : "false")}}
            }
            akka.cluster.seed-nodes = {{List(settings.SeedNodes)}}
            akka.cluster.roles = {{List(settings.Roles)}}
            """));
    }
}
