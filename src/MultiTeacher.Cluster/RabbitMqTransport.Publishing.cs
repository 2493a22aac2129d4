using System.Buffers;
using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using MultiTeacher.Actors;
using MultiTeacher.Actors.Transport;
using RabbitMQ.Client;

namespace MultiTeacher.Cluster;

/// <summary>Publishing: envelopes, claim checks, confirms and republishing.</summary>
public sealed partial class RabbitMqTransport
{
    /// <summary>
    /// Serializes <paramref name="message"/> now and publishes it in the background, retrying on nacks and lost
    /// connections. Inside a handler of a transported message, the publish is attached to its delivery.
    /// </summary>
    /// <returns>False when the message cannot be sent (unknown type, transport disposed): the caller dead-letters it.</returns>
    internal bool Publish(string exchange, string routingKey, string recipient, object message, ActorAddress? sender, bool persistent)
    {
        if (IsDisposed)
        {
            return false;
        }
        string manifest;
        byte[] payload;
        string messageId;
        try
        {
            var buffer = new ArrayBufferWriter<byte>();
            manifest = _serializers.Serialize(message, buffer);
            payload = buffer.WrittenSpan.ToArray();
            messageId = _serializers.MessageId(message, manifest, payload);
        }
        catch (NotSupportedException exception)
        {
            _log.LogError(exception, "Cannot send {MessageType} to {Recipient}", message.GetType().Name, recipient);
            return false;
        }
        var envelope = new Wire.Envelope
        {
            Version = EnvelopeVersion,
            MessageId = messageId,
            Manifest = manifest,
            SenderNode = NodeId,
            Recipient = recipient,
            SenderPath = sender?.ToString() ?? "",
            SentUnixMs = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        Func<Task>? declare = exchange.Length > 0
            ? () => DeclareFanoutAsync(exchange)
            : routingKey.StartsWith(Settings.Prefix + ".work.", StringComparison.Ordinal) ? () => DeclareWorkQueueAsync(routingKey) : null;
        var properties = new BasicProperties
        {
            Persistent = persistent,
            MessageId = messageId,
            Type = manifest,
            ContentType = "application/x-protobuf",
        };
        var outgoing = new OutgoingMessage(exchange, routingKey, properties, async () =>
        {
            if (declare is not null)
            {
                await declare().ConfigureAwait(false);
            }
            return await BuildBodyAsync(envelope, payload).ConfigureAwait(false);
        });
        var publish = PublishReliablyAsync(outgoing, recipient);
        Track(publish, recipient);
        DeliveryContext.Current?.Attach(publish);
        return true;
    }

    /// <summary>Publishes a body as it is (membership heartbeats); confirmed and retried like any message.</summary>
    internal Task PublishRawAsync(string exchange, byte[] body, Func<Task> declare)
    {
        var outgoing = new OutgoingMessage(exchange, "", new BasicProperties { Persistent = false }, async () =>
        {
            await declare().ConfigureAwait(false);
            return body;
        });
        var publish = PublishReliablyAsync(outgoing, exchange);
        Track(publish, exchange);
        return publish;
    }

    /// <summary>Moves a body to the dead-letter queue with the reason in header <c>x-mt-reason</c>.</summary>
    internal Task PublishDeadLetterAsync(byte[] body, string reason, string queue, string? messageId)
    {
        var properties = new BasicProperties
        {
            Persistent = true,
            MessageId = messageId,
            Headers = new Dictionary<string, object?>
            {
                [ReasonHeader] = reason,
                ["x-mt-queue"] = queue,
                ["x-mt-node"] = NodeId,
            },
        };
        return PublishReliablyAsync(new OutgoingMessage(DeadLetterExchange, "", properties, () => Task.FromResult(body)), DeadLetterQueue);
    }

    private async Task<byte[]> BuildBodyAsync(Wire.Envelope envelope, byte[] payload)
    {
        if (payload.Length > Settings.MaxMessageSize)
        {
            throw new PermanentPublishException($"{envelope.Manifest} of {payload.Length} bytes exceeds max-message-size {Settings.MaxMessageSize}.");
        }
        if (payload.Length > Settings.ClaimCheckThreshold)
        {
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(payload));
            var uri = await _claimChecks.WriteAsync(payload, sha256).ConfigureAwait(false);
            envelope.ClaimCheck = new Wire.ClaimCheck { Uri = uri, Sha256 = sha256, Length = payload.Length };
        }
        else
        {
            envelope.Payload = UnsafeByteOperations.UnsafeWrap(payload);
        }
        return envelope.ToByteArray();
    }

    private async Task PublishReliablyAsync(OutgoingMessage message, string destination)
    {
        var started = TimeProvider.System.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _publisher.PublishAsync(message).ConfigureAwait(false);
                Interlocked.Increment(ref _counters.Confirmed);
                return;
            }
            catch (Exception exception) when (exception is not PermanentPublishException && !IsDisposed
                && TimeProvider.System.GetElapsedTime(started) < Settings.PublishRetryTimeout)
            {
                if (IsAbandoned(message.RoutingKey))
                {
                    throw new OperationCanceledException($"publish to {destination} abandoned: {exception.Message}", exception);
                }

                Interlocked.Increment(ref _counters.Republished);
                _log.LogDebug(exception, "Publish to {Destination} failed (attempt {Attempt}); publishing again", destination, attempt);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 50 * (1 << Math.Min(attempt, 6)))), _disposing.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    throw new ObjectDisposedException(nameof(RabbitMqTransport), exception);
                }
            }
        }
    }

    /// <summary>
    /// Stops retrying publishes to the work queues whose names start with <paramref name="namePrefix"/> (e.g. the
    /// queues of a run that ended): a publish to them that fails is dropped at once instead of retried for
    /// <see cref="ClusterSettings.PublishRetryTimeout"/>. Publishes that succeed are not affected.
    /// </summary>
    public void AbandonWorkQueues(string namePrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(namePrefix);
        _abandoned[$"{Settings.Prefix}.work.{namePrefix}"] = true;
    }

    private bool IsAbandoned(string routingKey) =>
        routingKey.Length > 0 && _abandoned.Keys.Any(prefix => routingKey.StartsWith(prefix, StringComparison.Ordinal));

    private void Track(Task publish, string destination)
    {
        _outstanding.TryAdd(publish, 0);
        publish.ContinueWith(t =>
        {
            _outstanding.TryRemove(t, out _);
            if (t.IsCanceled)
            {
                _log.LogDebug("Publish to {Destination} abandoned", destination);
            }
            else if (t.IsFaulted && !IsDisposed)
            {
                _log.LogError(t.Exception.InnerException, "Publish to {Destination} given up", destination);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
