using System.Net;
using System.Net.Sockets;
using MultiTeacher.Cluster.Testing;

namespace MultiTeacher.Cluster.Tests;

[Collection(BrokerFixture.Collection)]
public sealed class ConnectionTests(BrokerFixture broker)
{
    [Fact]
    public async Task ConnectAsync_WrongPassword_ClusterConnectionExceptionNamesUserAndEndpoint()
    {
        var settings = broker.Settings("n", broker.NewPrefix()) with { Password = "wrong" };

        var error = await Assert.ThrowsAsync<ClusterConnectionException>(() =>
            RabbitMqTransport.ConnectAsync(settings, "n", TestSerializers.Create()));

        Assert.StartsWith($"authentication failed for user {broker.Broker.User} at 127.0.0.1:{broker.Broker.Port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_NothingListens_ClusterConnectionExceptionNamesEndpoint()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var settings = broker.Settings("n", broker.NewPrefix()) with
        {
            Uri = new Uri($"amqp://mt:x@127.0.0.1:{port}/"),
            ConnectAttempts = 2,
            ConnectRetryDelay = TimeSpan.FromMilliseconds(100),
        };

        var error = await Assert.ThrowsAsync<ClusterConnectionException>(() =>
            RabbitMqTransport.ConnectAsync(settings, "n", TestSerializers.Create()));

        Assert.StartsWith($"no RabbitMQ broker answers at 127.0.0.1:{port} after 2 attempt(s)", error.Message, StringComparison.Ordinal);
    }
}
