using RabbitMQ.Client;

namespace MultiTeacher.Cluster;

/// <summary>
/// One message to publish. Its body is built on the publishing loop (in publish order) the first time it is needed,
/// so a claim-check write or a queue declaration happens in order, and kept for republishing.
/// </summary>
internal sealed class OutgoingMessage(string exchange, string routingKey, BasicProperties properties, Func<Task<byte[]>> buildBody)
{
    private Task<byte[]>? _body;

    public string Exchange { get; } = exchange;

    public string RoutingKey { get; } = routingKey;

    public BasicProperties Properties { get; } = properties;

    public Task<byte[]> BodyAsync() => _body ??= buildBody();

    /// <summary>Forgets a body whose building failed, so the next attempt builds it again.</summary>
    public void ResetIfFailed()
    {
        if (_body is { IsFaulted: true } or { IsCanceled: true })
        {
            _body = null;
        }
    }
}
