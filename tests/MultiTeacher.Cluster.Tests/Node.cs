using MultiTeacher.Actors;
using MultiTeacher.Cluster.Testing;

namespace MultiTeacher.Cluster.Tests;

/// <summary>One test node: a transport and an actor system connected to it.</summary>
internal sealed class Node : IAsyncDisposable
{
    private Node(RabbitMqTransport transport, ActorSystem system)
    {
        Transport = transport;
        System = system;
    }

    public RabbitMqTransport Transport { get; }

    public ActorSystem System { get; }

    public static async Task<Node> StartAsync(BrokerFixture broker, string prefix, string nodeId, Func<ClusterSettings, ClusterSettings>? adjust = null)
    {
        var settings = broker.Settings(nodeId, prefix);
        settings = adjust?.Invoke(settings) ?? settings;
        var transport = await RabbitMqTransport.ConnectAsync(settings, nodeId, TestSerializers.Create());
        var system = new ActorSystem("sys", new ActorSystemOptions { Transport = transport, Node = nodeId });
        return new Node(transport, system);
    }

    public async ValueTask DisposeAsync()
    {
        await System.DisposeAsync();
        await Transport.DisposeAsync();
    }
}
