using System.Collections.Concurrent;
using System.Threading.Channels;
using MultiTeacher.Actors.Timers;

namespace MultiTeacher.Actors.Dispatch;

/// <summary>
/// An actor's queues and its turn on the thread pool. User messages wait in a <see cref="Channel{T}"/> (FIFO, so
/// FIFO per sender); system messages in a separate queue that is emptied before each user message. The mailbox is
/// scheduled on the pool when it has work and is idle; a turn handles up to <c>throughput</c> user messages, one at
/// a time, then yields the thread. While an asynchronous handler's task is pending the mailbox stays scheduled, so
/// nothing else of this actor runs.
/// <para>
/// Hand-over without lost wake-ups: only the owner of a turn ever looks at the queues (the single-reader channel
/// is not safe to peek from two threads). A sender queues, then (after a full fence) reads the status: if idle, it
/// schedules a turn; if scheduled, it marks <see cref="Rescan"/>. The owner clears the mark before it looks at the
/// queues and goes idle only by a compare-exchange from <see cref="Scheduled"/>: a mark set meanwhile makes it look
/// again. One compare-exchange per turn on the sender side, not one per message.
/// </para>
/// </summary>
internal sealed class Mailbox : IThreadPoolWorkItem
{
    private const int Idle = 0;
    private const int Scheduled = 1;
    private const int Rescan = 2;

    private readonly ActorCell _cell;
    private readonly ChannelReader<Envelope> _reader;
    private readonly ChannelWriter<Envelope> _writer;
    private readonly ConcurrentQueue<SystemMessage> _system = new();
    private readonly bool _backPressure;
    private readonly int _throughput;
    private readonly Action _resumeAfterAwait;
    private Queue<IActorRef>? _terminations;
    private Task? _awaited;
    private int _status;

    public Mailbox(ActorCell cell, MailboxOptions options, int throughput)
    {
        _cell = cell;
        _throughput = throughput;
        Channel<Envelope> channel = options.Capacity is int capacity
            ? Channel.CreateBounded<Envelope>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait })
            : Channel.CreateUnbounded<Envelope>(new UnboundedChannelOptions { SingleReader = true });
        _reader = channel.Reader;
        _writer = channel.Writer;
        _backPressure = options.Capacity is not null && options.Overflow == MailboxOverflow.BackPressure;
        _resumeAfterAwait = () => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Queues a user message, or dead-letters it when the actor is dead or the mailbox full. Never waits.</summary>
    public void Post(Envelope envelope)
    {
        if (_writer.TryWrite(envelope))
        {
            Schedule();
        }
        else
        {
            DeadLetter(envelope);
        }
    }

    /// <summary>Like <see cref="Post"/>, but waits for room in a back-pressure mailbox.</summary>
    public ValueTask PostAsync(Envelope envelope, CancellationToken cancellationToken)
    {
        if (_writer.TryWrite(envelope))
        {
            Schedule();
            return default;
        }
        if (!_backPressure)
        {
            DeadLetter(envelope);
            return default;
        }
        return WaitAndPostAsync(envelope, cancellationToken);
    }

    /// <summary>Queues a system message; thread-safe.</summary>
    public void PostSystem(SystemMessage message)
    {
        _system.Enqueue(message);
        Schedule();
    }

    /// <summary>
    /// Queues the delivery of <see cref="Terminated"/> behind the user messages already queued; in a full bounded
    /// mailbox, ahead of them instead (it is never dropped). Only on the actor's turn.
    /// </summary>
    public void PostTermination(IActorRef watchee)
    {
        if (!_writer.TryWrite(new Envelope(new TerminatedSignal(watchee), watchee)))
        {
            (_terminations ??= new()).Enqueue(watchee);
        }
    }

    /// <summary>Refuses further messages and dead-letters those still queued; only on the actor's turn.</summary>
    public void CloseAndDrain()
    {
        _writer.TryComplete();
        _terminations?.Clear();
        while (_reader.TryRead(out var envelope))
        {
            if (envelope.Message is not (TimerMessage or TerminatedSignal))
            {
                DeadLetter(envelope);
            }
        }
    }

    /// <summary>One turn: system messages first, then up to <c>throughput</c> user messages.</summary>
    public void Execute()
    {
        if (_awaited is { } completed)
        {
            _awaited = null;
            _cell.EndAwait(completed);
        }
        Interlocked.Exchange(ref _status, Scheduled);
        var budget = _throughput;
        while (true)
        {
            while (_system.TryDequeue(out var system))
            {
                _cell.SystemInvoke(system);
            }
            if (_cell.AcceptsUserMessages && TryDequeue(out var envelope))
            {
                var pending = _cell.Invoke(envelope);
                if (pending is not null)
                {
                    _awaited = pending;
                    pending.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_resumeAfterAwait);
                    return;
                }
                if (--budget == 0)
                {
                    // Yield the thread to other actors; stay scheduled, so senders do not schedule a second turn.
                    ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                    return;
                }
                continue;
            }
            if (Interlocked.CompareExchange(ref _status, Idle, Scheduled) == Scheduled)
            {
                return;
            }
            Interlocked.Exchange(ref _status, Scheduled);
        }
    }

    private bool TryDequeue(out Envelope envelope)
    {
        if (_terminations is { Count: > 0 })
        {
            envelope = new Envelope(new TerminatedSignal(_terminations.Dequeue()), null);
            return true;
        }
        return _reader.TryRead(out envelope);
    }

    private void Schedule()
    {
        // The full fence orders our enqueue before the status read (Dekker); see the class remarks.
        Interlocked.MemoryBarrier();
        while (true)
        {
            var status = Volatile.Read(ref _status);
            if (status == Rescan)
            {
                return;
            }
            if (Interlocked.CompareExchange(ref _status, status == Idle ? Scheduled : Rescan, status) == status)
            {
                if (status == Idle)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                }
                return;
            }
        }
    }

    private async ValueTask WaitAndPostAsync(Envelope envelope, CancellationToken cancellationToken)
    {
        try
        {
            await _writer.WriteAsync(envelope, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            DeadLetter(envelope);
            return;
        }
        Schedule();
    }

    private void DeadLetter(Envelope envelope) =>
        _cell.System.DeadLetters.Publish(envelope.Message, envelope.Sender, _cell.Self);
}
