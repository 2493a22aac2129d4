using System.Text;
using RabbitMQ.Client;

namespace MultiTeacher.Cluster.Tests;

/// <summary>Plain client access to the test broker: raw publishes and reading the dead-letter queue.</summary>
internal sealed class Raw : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private Raw(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<Raw> ConnectAsync(Uri uri)
    {
        var connection = await new ConnectionFactory { Uri = uri }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        return new Raw(connection, channel);
    }

    public async Task PublishAsync(string queue, byte[] body) =>
        await _channel.BasicPublishAsync("", queue, mandatory: true, new BasicProperties { Persistent = true }, body);

    /// <summary>Declares <paramref name="queue"/> as a queue that refuses every publish (length 0, reject-publish).</summary>
    public async Task DeclareRefusingQueueAsync(string queue) =>
        await _channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: true,
            arguments: new Dictionary<string, object?> { ["x-max-length"] = 0, ["x-overflow"] = "reject-publish" });

    /// <summary>Takes every message of <paramref name="queue"/>, returning each one's x-mt-reason header.</summary>
    public async Task<List<string>> DrainReasonsAsync(string queue)
    {
        var reasons = new List<string>();
        while (await _channel.BasicGetAsync(queue, autoAck: true) is { } result)
        {
            var header = result.BasicProperties.Headers?[RabbitMqTransport.ReasonHeader];
            reasons.Add(header is byte[] bytes ? Encoding.UTF8.GetString(bytes) : "(none)");
        }
        return reasons;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _connection.CloseAsync();
    }
}
