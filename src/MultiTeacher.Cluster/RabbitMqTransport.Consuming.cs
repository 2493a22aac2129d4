using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using MultiTeacher.Actors;
using MultiTeacher.Actors.Transport;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace MultiTeacher.Cluster;

/// <summary>Consuming: decoding envelopes, dead-lettering what cannot be read, handing the rest to local actors.</summary>
public sealed partial class RabbitMqTransport
{
    /// <summary>
    /// Delivers each message of work queue <c>PREFIX.work.NAME</c> to the local actor <paramref name="target"/>, at most
    /// <paramref name="prefetch"/> unacknowledged at a time. A delivery is acknowledged when the actor's handler has
    /// returned and every publish it made through this transport meanwhile is confirmed; the actor may instead take
    /// the outcome with <c>Context.DeferDelivery()</c>. A handler that throws hands the message back (nack, requeue).
    /// </summary>
    public async Task ConsumeWorkQueueAsync(string name, IActorRef target, ushort prefetch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfZero(prefetch);
        var queue = WorkQueueName(name);
        await DeclareWorkQueueAsync(queue).ConfigureAwait(false);
        await StartConsumerAsync(queue, prefetch, DeliveryKind.Work, _ => target, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Delivers every message published to broadcast <paramref name="name"/> from now on to <paramref name="target"/>,
    /// through a queue of its own (server-named, exclusive). With <paramref name="lastValueOnly"/> the queue keeps only
    /// the newest message waiting (older ones are dropped), as checkpoint receivers want.
    /// </summary>
    public async Task SubscribeBroadcastAsync(string name, IActorRef target, bool lastValueOnly)
    {
        ArgumentNullException.ThrowIfNull(target);
        var exchange = BroadcastExchange(name);
        await DeclareFanoutAsync(exchange).ConfigureAwait(false);
        var channel = await _connection.CreateChannelAsync().ConfigureAwait(false);
        await channel.BasicQosAsync(0, lastValueOnly ? (ushort)1 : Settings.Prefetch, global: false).ConfigureAwait(false);
        var arguments = lastValueOnly ? new Dictionary<string, object?> { ["x-max-length"] = 1, ["x-overflow"] = "drop-head" } : null;
        var declared = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, arguments).ConfigureAwait(false);
        await channel.QueueBindAsync(declared.QueueName, exchange, "").ConfigureAwait(false);
        await ConsumeOnAsync(channel, declared.QueueName, DeliveryKind.Broadcast, _ => target, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Consumes a fan-out exchange with automatic acks, handing each body to <paramref name="onBody"/> (membership).</summary>
    internal async Task SubscribeRawAsync(string exchange, Func<byte[], Task> onBody)
    {
        await DeclareFanoutAsync(exchange).ConfigureAwait(false);
        var channel = await _connection.CreateChannelAsync().ConfigureAwait(false);
        var declared = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, null).ConfigureAwait(false);
        await channel.QueueBindAsync(declared.QueueName, exchange, "").ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, ea) =>
        {
            var body = ea.Body.ToArray();
            try
            {
                await onBody(body).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                _log.LogWarning(exception, "A message from {Exchange} could not be handled", exchange);
            }
        };
        lock (_consumerChannels)
        {
            _consumerChannels.Add(channel);
        }
        await channel.BasicConsumeAsync(declared.QueueName, autoAck: true, consumer).ConfigureAwait(false);
    }

    internal Task DeclareMembershipAsync() => DeclareFanoutAsync(MembershipExchange);

    private async Task StartConsumerAsync(string queue, ushort prefetch, DeliveryKind kind, Func<Wire.Envelope, IActorRef?> resolve, CancellationToken ct)
    {
        var channel = await _connection.CreateChannelAsync(cancellationToken: ct).ConfigureAwait(false);
        await channel.BasicQosAsync(0, prefetch, global: false, ct).ConfigureAwait(false);
        await ConsumeOnAsync(channel, queue, kind, resolve, ct).ConfigureAwait(false);
    }

    private async Task ConsumeOnAsync(IChannel channel, string queue, DeliveryKind kind, Func<Wire.Envelope, IActorRef?> resolve, CancellationToken ct)
    {
        var ackGate = new SemaphoreSlim(1, 1);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, ea) =>
        {
            // The body is only valid inside this callback: copy it before anything else.
            var delivery = new RabbitDelivery(this, channel, ackGate, ea.DeliveryTag, ea.Redelivered, kind, queue, ea.Body.ToArray(), _counters);
            try
            {
                await OnDeliveryAsync(delivery, resolve).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                _log.LogError(exception, "Delivery from {Queue} failed before reaching its actor", queue);
                delivery.Failed(exception);
            }
        };
        lock (_consumerChannels)
        {
            _consumerChannels.Add(channel);
        }
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer, ct).ConfigureAwait(false);
    }

    private async Task OnDeliveryAsync(RabbitDelivery delivery, Func<Wire.Envelope, IActorRef?> resolve)
    {
        var body = delivery.Body;
        Interlocked.Increment(ref _counters.Delivered);
        Interlocked.Add(ref _counters.BytesIn, body.Length);
        if (delivery.Redelivered)
        {
            Interlocked.Increment(ref _counters.Redelivered);
        }
        if (body.Length > Settings.MaxMessageSize)
        {
            await delivery.DeadLetterAsync($"message of {body.Length} bytes exceeds max-message-size {Settings.MaxMessageSize}").ConfigureAwait(false);
            return;
        }
        Wire.Envelope envelope;
        try
        {
            envelope = Wire.Envelope.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException exception)
        {
            await delivery.DeadLetterAsync("malformed envelope: " + exception.Message).ConfigureAwait(false);
            return;
        }
        delivery.MessageId = envelope.MessageId;
        if (envelope.Version != EnvelopeVersion)
        {
            await delivery.DeadLetterAsync($"unknown envelope version {envelope.Version} (this node reads version {EnvelopeVersion})").ConfigureAwait(false);
            return;
        }
        var payload = envelope.Payload.Memory;
        if (envelope.ClaimCheck is { } check)
        {
            var (stored, problem) = await ReadClaimCheckAsync(check).ConfigureAwait(false);
            if (problem is not null)
            {
                await delivery.DeadLetterAsync(problem).ConfigureAwait(false);
                return;
            }
            payload = stored;
        }
        object message;
        try
        {
            message = _serializers.Deserialize(envelope.Manifest, payload.Span);
        }
        catch (NotSupportedException)
        {
            await delivery.DeadLetterAsync($"unknown manifest '{envelope.Manifest}'").ConfigureAwait(false);
            return;
        }
        catch (Exception exception)
        {
            await delivery.DeadLetterAsync($"payload of '{envelope.Manifest}' could not be read: {exception.Message}").ConfigureAwait(false);
            return;
        }
        var target = resolve(envelope);
        if (target is null)
        {
            await delivery.DeadLetterAsync($"no actor system here for recipient '{envelope.Recipient}'").ConfigureAwait(false);
            return;
        }
        var sender = envelope.SenderPath.Length > 0 && TryParseAddress(envelope.SenderPath, out var address) ? ResolveSender(target.System, address) : null;
        target.System.DeliverInbound(target, message, sender, delivery);
    }

    private async Task<(ReadOnlyMemory<byte> Payload, string? Problem)> ReadClaimCheckAsync(Wire.ClaimCheck check)
    {
        if (check.Length > Settings.MaxMessageSize)
        {
            return (default, $"claim-checked payload of {check.Length} bytes exceeds max-message-size {Settings.MaxMessageSize}");
        }
        byte[] stored;
        try
        {
            stored = await _claimChecks.ReadAsync(check.Uri).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException or UriFormatException)
        {
            return (default, $"claim check {check.Uri} could not be read: {exception.Message}");
        }
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(stored));
        if (stored.Length != check.Length || !string.Equals(sha256, check.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            return (default, $"claim check sha256 mismatch at {check.Uri}: expected {check.Sha256} ({check.Length} bytes), found {sha256} ({stored.Length} bytes)");
        }
        return (stored, null);
    }

    private IActorRef ResolveSender(ActorSystem system, ActorAddress address) =>
        address.IsSameSystem(system.Address) ? system.Resolve(address) : new RemoteActorRef(system, address, system.Options.Transport ?? this);
}
