using System.Threading.Channels;
using RabbitMQ.Client;

namespace MultiTeacher.Cluster;

/// <summary>
/// One publishing channel with publisher confirms, used by one loop only (publishes are written in the order they
/// were queued). Confirms are tracked here by sequence number rather than by the client's per-publish awaiting, so
/// any number of publishes can await their confirms at once. A nack fails the publish; a channel that closes fails
/// every publish still unconfirmed (the caller republishes).
/// </summary>
internal sealed class ConfirmingPublisher : IAsyncDisposable
{
    private readonly IChannel _channel;
    private readonly CounterSet _counters;
    private readonly Channel<(OutgoingMessage Message, TaskCompletionSource Confirm)> _queue =
        Channel.CreateUnbounded<(OutgoingMessage, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly SortedDictionary<ulong, TaskCompletionSource> _unconfirmed = [];
    private readonly Task _loop;

    private ConfirmingPublisher(IChannel channel, CounterSet counters)
    {
        _channel = channel;
        _counters = counters;
        channel.BasicAcksAsync += (_, ea) => Settle(ea.DeliveryTag, ea.Multiple, null);
        channel.BasicNacksAsync += (_, ea) => Settle(ea.DeliveryTag, ea.Multiple, "the broker refused (nacked) the message");
        channel.ChannelShutdownAsync += (_, ea) =>
        {
            FailAll(new IOException($"the channel closed before the broker confirmed: {ea.ReplyText}"));
            return Task.CompletedTask;
        };
        _loop = Task.Run(RunAsync);
    }

    public static async Task<ConfirmingPublisher> CreateAsync(IConnection connection, CounterSet counters, CancellationToken ct)
    {
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: false), ct).ConfigureAwait(false);
        return new ConfirmingPublisher(channel, counters);
    }

    /// <summary>Queues one attempt; the task completes when the broker confirmed it, or fails.</summary>
    public Task PublishAsync(OutgoingMessage message)
    {
        var confirm = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((message, confirm)))
        {
            confirm.SetException(new ObjectDisposedException(nameof(RabbitMqTransport)));
        }
        return confirm.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        FailAll(new ObjectDisposedException(nameof(RabbitMqTransport)));
        try
        {
            await _channel.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Closing a channel of a dead connection: nothing left to release.
        }
        _channel.Dispose();
    }

    private async Task RunAsync()
    {
        await foreach (var (message, confirm) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            ulong sequence = 0;
            try
            {
                var body = await message.BodyAsync().ConfigureAwait(false);
                sequence = await _channel.GetNextPublishSequenceNumberAsync().ConfigureAwait(false);
                lock (_gate)
                {
                    _unconfirmed[sequence] = confirm;
                }
                await _channel.BasicPublishAsync(message.Exchange, message.RoutingKey, mandatory: false, message.Properties, body).ConfigureAwait(false);
                Interlocked.Increment(ref _counters.Published);
                Interlocked.Add(ref _counters.BytesOut, body.Length);
            }
            catch (Exception exception)
            {
                message.ResetIfFailed();
                lock (_gate)
                {
                    if (sequence != 0 && _unconfirmed.TryGetValue(sequence, out var mine) && mine == confirm)
                    {
                        _unconfirmed.Remove(sequence);
                    }
                }
                confirm.TrySetException(exception);
            }
        }
    }

    private Task Settle(ulong tag, bool multiple, string? failure)
    {
        List<TaskCompletionSource> settled = [];
        lock (_gate)
        {
            if (multiple)
            {
                foreach (var key in _unconfirmed.Keys.TakeWhile(k => k <= tag).ToList())
                {
                    settled.Add(_unconfirmed[key]);
                    _unconfirmed.Remove(key);
                }
            }
            else if (_unconfirmed.Remove(tag, out var one))
            {
                settled.Add(one);
            }
        }
        foreach (var confirm in settled)
        {
            if (failure is null)
            {
                confirm.TrySetResult();
            }
            else
            {
                confirm.TrySetException(new IOException(failure));
            }
        }
        return Task.CompletedTask;
    }

    private void FailAll(Exception error)
    {
        TaskCompletionSource[] all;
        lock (_gate)
        {
            all = [.. _unconfirmed.Values];
            _unconfirmed.Clear();
        }
        foreach (var confirm in all)
        {
            confirm.TrySetException(error);
        }
    }
}
