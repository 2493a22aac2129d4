using RabbitMQ.Client;

namespace MultiTeacher.Cluster;

/// <summary>Topology: declaring queues and exchanges once per connection, and removing them (tests).</summary>
public sealed partial class RabbitMqTransport
{
    /// <summary>Runs a declaration on the topology channel, reopening it if a refused declaration closed it.</summary>
    internal async Task WithTopologyAsync(Func<IChannel, Task> action)
    {
        await _topologyGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_topology is null || _topology.IsClosed)
            {
                _topology?.Dispose();
                _topology = await _connection.CreateChannelAsync().ConfigureAwait(false);
            }
            await action(_topology).ConfigureAwait(false);
        }
        finally
        {
            _topologyGate.Release();
        }
    }

    /// <summary>Declares a destination once per transport (again after <see cref="DeleteAllAsync"/>).</summary>
    private Task EnsureDeclaredAsync(string key, Func<IChannel, Task> declare)
    {
        var lazy = _declared.GetOrAdd(key, _ => new Lazy<Task>(() => WithTopologyAsync(declare)));
        if (lazy.Value.IsFaulted)
        {
            _declared.TryRemove(new KeyValuePair<string, Lazy<Task>>(key, lazy));
        }
        return lazy.Value;
    }

    /// <summary>
    /// Makes the work queue <paramref name="name"/> a durable classic queue instead of a quorum queue, on this node; every
    /// node that uses the queue must say the same before using it. For single-consumer queues on one broker, where a
    /// quorum queue gains nothing and RabbitMQ 3.10 may fail to restart one that was declared seconds before a crash.
    /// </summary>
    public void UseClassicQueue(string name) => _classicQueues[WorkQueueName(name)] = true;

    private Task DeclareWorkQueueAsync(string queue) => EnsureDeclaredAsync(queue, channel =>
        channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: _classicQueues.ContainsKey(queue)
            ? new Dictionary<string, object?> { ["x-queue-type"] = "classic", ["x-dead-letter-exchange"] = DeadLetterExchange }
            : new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-dead-letter-exchange"] = DeadLetterExchange,
                ["x-delivery-limit"] = DeliveryLimit,
            }));

    private Task DeclareFanoutAsync(string exchange) => EnsureDeclaredAsync(exchange, channel =>
        channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false));

    /// <summary>
    /// Test support: deletes every queue and exchange of this transport's prefix that it knows of (work queues,
    /// broadcast and membership exchanges it declared, the dead-letter queue, its node queue), plus the named extra queues.
    /// </summary>
    public async Task DeleteAllAsync(params string[] extraQueues)
    {
        ArgumentNullException.ThrowIfNull(extraQueues);
        var names = _declared.Keys.ToArray();
        _declared.Clear();
        await WithTopologyAsync(async channel =>
        {
            foreach (var name in names.Concat(extraQueues).Append(DeadLetterQueue).Append(NodeQueue(NodeId)).Distinct(StringComparer.Ordinal))
            {
                if (name.Contains(".broadcast.", StringComparison.Ordinal) || name == MembershipExchange)
                {
                    await channel.ExchangeDeleteAsync(name, ifUnused: false).ConfigureAwait(false);
                }
                else
                {
                    await channel.QueueDeleteAsync(name, ifUnused: false, ifEmpty: false).ConfigureAwait(false);
                }
            }
            await channel.ExchangeDeleteAsync(DeadLetterExchange, ifUnused: false).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>Test support: how many messages wait (ready, not delivered) in <paramref name="queue"/>.</summary>
    public async Task<uint> MessageCountAsync(string queue)
    {
        uint count = 0;
        await WithTopologyAsync(async channel => count = await channel.MessageCountAsync(queue).ConfigureAwait(false)).ConfigureAwait(false);
        return count;
    }
}
