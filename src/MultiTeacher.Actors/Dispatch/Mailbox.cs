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
/// </summary>
internal sealed class Mailbox : IThreadPoolWorkItem
{
    private const int Idle = 0;
    private const int Scheduled = 1;

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
        for (var budget = _throughput; ; budget--)
        {
            while (_system.TryDequeue(out var system))
            {
                _cell.SystemInvoke(system);
            }
            if (budget == 0 || !_cell.AcceptsUserMessages)
            {
                break;
            }
            Task? pending;
            if (_terminations is { Count: > 0 })
            {
                pending = _cell.Invoke(new Envelope(new TerminatedSignal(_terminations.Dequeue()), null));
            }
            else if (_reader.TryRead(out var envelope))
            {
                pending = _cell.Invoke(envelope);
            }
            else
            {
                break;
            }
            if (pending is not null)
            {
                _awaited = pending;
                pending.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_resumeAfterAwait);
                return;
            }
        }
        Volatile.Write(ref _status, Idle);
        if (HasWork())
        {
            Schedule();
        }
    }

    private bool HasWork() =>
        !_system.IsEmpty
        || (_cell.AcceptsUserMessages && (_terminations is { Count: > 0 } || _reader.TryPeek(out _)));

    private void Schedule()
    {
        if (Volatile.Read(ref _status) == Idle && Interlocked.CompareExchange(ref _status, Scheduled, Idle) == Idle)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
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
