using Microsoft.Extensions.Logging;
using MultiTeacher.Actors.Transport;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace MultiTeacher.Cluster;

/// <summary>
/// One delivery from the broker, settled when the kernel reports the message's fate: ack when handled, nack when
/// failed, dead letter (then ack) when rejected or unreadable. Acks of one channel are serialized.
/// </summary>
internal sealed class RabbitDelivery(RabbitMqTransport transport, IChannel channel, SemaphoreSlim ackGate, ulong tag, bool redelivered,
    DeliveryKind kind, string queue, byte[] body, CounterSet counters) : IInboundDelivery
{
    private int _settled;

    public byte[] Body { get; } = body;

    public bool Redelivered { get; } = redelivered;

    public string? MessageId { get; set; }

    public void Handled() => _ = SettleAsync(ack: true, requeue: false);

    public void Failed(Exception error)
    {
        transport.Log.LogDebug(error, "Handling message {MessageId} from {Queue} failed; handing it back", MessageId, queue);
        _ = SettleAsync(ack: false, requeue: kind == DeliveryKind.Work || !Redelivered);
    }

    public void Rejected(string reason) => _ = DeadLetterAsync("rejected by the recipient: " + reason);

    public async Task DeadLetterAsync(string reason)
    {
        if (Volatile.Read(ref _settled) != 0)
        {
            return;
        }
        transport.Log.LogWarning("Dead-lettering message {MessageId} from {Queue}: {Reason}", MessageId, queue, reason);
        try
        {
            await transport.PublishDeadLetterAsync(Body, reason, queue, MessageId).ConfigureAwait(false);
            Interlocked.Increment(ref counters.DeadLettered);
        }
        catch (Exception exception)
        {
            transport.Log.LogWarning(exception, "Could not dead-letter message {MessageId}; handing it back", MessageId);
            await SettleAsync(ack: false, requeue: true).ConfigureAwait(false);
            return;
        }
        await SettleAsync(ack: true, requeue: false).ConfigureAwait(false);
    }

    private async Task SettleAsync(bool ack, bool requeue)
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0)
        {
            return;
        }
        await ackGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (ack)
            {
                await channel.BasicAckAsync(tag, multiple: false).ConfigureAwait(false);
                Interlocked.Increment(ref counters.Acked);
            }
            else
            {
                await channel.BasicNackAsync(tag, multiple: false, requeue).ConfigureAwait(false);
                Interlocked.Increment(ref counters.Nacked);
            }
        }
        catch (Exception exception) when (exception is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            // The channel is gone: the broker hands the message out again, the receiver de-duplicates it.
            transport.Log.LogDebug(exception, "Settling message {MessageId} failed; the broker will deliver it again", MessageId);
        }
        finally
        {
            ackGate.Release();
        }
    }
}
