using System.Globalization;
using System.Threading.Channels;

namespace MultiTeacher.Actors.TestKit;

/// <summary>
/// An actor reference a test can read from: it records every message sent to it, with the sender, and lets the
/// test assert on them in order with <c>Expect…Async</c>, reply to the last sender, and watch other actors. Lives
/// under <c>/system</c> of its system. Expectation timeouts are real time, whatever clock the system uses.
/// </summary>
public sealed class TestProbe : IActorRef
{
    private static int s_lastId;
    private readonly Channel<ReceivedMessage> _received = Channel.CreateUnbounded<ReceivedMessage>();
    private readonly IActorRef _actor;

    /// <summary>Creates a probe in <paramref name="system"/>.</summary>
    /// <param name="system">The system to live in.</param>
    /// <param name="name">Its name under <c>/system</c>; <c>null</c> for <c>probe1</c>, <c>probe2</c>, ...</param>
    public TestProbe(ActorSystem system, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        var writer = _received.Writer;
        name ??= "probe" + Interlocked.Increment(ref s_lastId).ToString(CultureInfo.InvariantCulture);
        _actor = system.SystemActorOf(Props.Create(() => new ProbeActor(writer)), name);
        LastSender = system.DeadLetters;
    }

    /// <inheritdoc/>
    public ActorPath Path => _actor.Path;

    /// <inheritdoc/>
    public ActorSystem System => _actor.System;

    /// <summary>How long an expectation waits when no timeout is given; 3 s by default.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The sender of the last message taken by an expectation.</summary>
    public IActorRef LastSender { get; private set; }

    /// <summary>The last message taken by an expectation, or <c>null</c>.</summary>
    public object? LastMessage { get; private set; }

    /// <inheritdoc/>
    public void Tell(object message, IActorRef? sender = null) => _actor.Tell(message, sender);

    /// <inheritdoc/>
    public ValueTask TellAsync(object message, IActorRef? sender = null, CancellationToken cancellationToken = default) =>
        _actor.TellAsync(message, sender, cancellationToken);

    /// <summary>Takes the next message, whatever it is.</summary>
    /// <exception cref="TestKitException">None arrived within the timeout.</exception>
    public async Task<ReceivedMessage> ReceiveOneAsync(TimeSpan? timeout = null)
    {
        var wait = timeout ?? DefaultTimeout;
        using var cancellation = new CancellationTokenSource(wait);
        ReceivedMessage received;
        try
        {
            received = await _received.Reader.ReadAsync(cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TestKitException($"{Path} received no message within {Describe(wait)}.");
        }
        LastMessage = received.Message;
        LastSender = received.Sender;
        return received;
    }

    /// <summary>Takes the next message and checks that it is a <typeparamref name="T"/> (matching <paramref name="predicate"/>).</summary>
    /// <exception cref="TestKitException">None arrived in time, or it was of another type or did not match.</exception>
    public async Task<T> ExpectMsgAsync<T>(Func<T, bool>? predicate = null, TimeSpan? timeout = null)
    {
        var received = await ReceiveOneAsync(timeout).ConfigureAwait(false);
        if (received.Message is not T typed)
        {
            throw new TestKitException($"{Path} expected a {typeof(T).Name} but received {Show(received)}.");
        }
        if (predicate is not null && !predicate(typed))
        {
            throw new TestKitException($"{Path} received {Show(received)}, which does not match the predicate.");
        }
        return typed;
    }

    /// <summary>Takes the next message and checks that it equals <paramref name="expected"/>.</summary>
    /// <exception cref="TestKitException">None arrived in time, or it differs.</exception>
    public async Task<T> ExpectMsgAsync<T>(T expected, TimeSpan? timeout = null)
    {
        var received = await ReceiveOneAsync(timeout).ConfigureAwait(false);
        if (received.Message is not T typed || !EqualityComparer<T>.Default.Equals(typed, expected))
        {
            throw new TestKitException($"{Path} expected {expected} but received {Show(received)}.");
        }
        return typed;
    }

    /// <summary>Takes the next message and checks that it is the <see cref="Terminated"/> of <paramref name="actor"/>.</summary>
    public Task<Terminated> ExpectTerminatedAsync(IActorRef actor, TimeSpan? timeout = null) =>
        ExpectMsgAsync<Terminated>(t => t.ActorRef.Equals(actor), timeout);

    /// <summary>Checks that no message arrives for <paramref name="duration"/> (real time).</summary>
    /// <exception cref="TestKitException">A message arrived.</exception>
    public async Task ExpectNoMsgAsync(TimeSpan duration)
    {
        using var cancellation = new CancellationTokenSource(duration);
        try
        {
            await _received.Reader.WaitToReadAsync(cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        _received.Reader.TryRead(out var received);
        throw new TestKitException($"{Path} expected no message for {Describe(duration)} but received {Show(received!)}.");
    }

    /// <summary>
    /// Takes messages until a <typeparamref name="T"/> matching <paramref name="predicate"/> arrives, skipping the
    /// others; the whole search shares one timeout.
    /// </summary>
    /// <exception cref="TestKitException">No such message arrived in time.</exception>
    public async Task<T> FishForMessageAsync<T>(Func<T, bool> predicate, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var wait = timeout ?? DefaultTimeout;
        var started = TimeProvider.System.GetTimestamp();
        var skipped = 0;
        while (true)
        {
            var left = wait - TimeProvider.System.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                throw new TestKitException($"{Path} found no matching {typeof(T).Name} within {Describe(wait)} ({skipped} other messages skipped).");
            }
            ReceivedMessage received;
            try
            {
                received = await ReceiveOneAsync(left).ConfigureAwait(false);
            }
            catch (TestKitException)
            {
                throw new TestKitException($"{Path} found no matching {typeof(T).Name} within {Describe(wait)} ({skipped} other messages skipped).");
            }
            if (received.Message is T typed && predicate(typed))
            {
                return typed;
            }
            skipped++;
        }
    }

    /// <summary>Sends <paramref name="message"/> to <see cref="LastSender"/>, with this probe as the sender.</summary>
    public void Reply(object message) => LastSender.Tell(message, this);

    /// <summary>Sends <see cref="LastMessage"/> on to <paramref name="target"/>, keeping its original sender.</summary>
    /// <exception cref="InvalidOperationException">No message was taken yet.</exception>
    public void Forward(IActorRef target)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Tell(LastMessage ?? throw new InvalidOperationException("No message to forward yet."), LastSender);
    }

    /// <summary>Watches <paramref name="subject"/>: this probe will receive <see cref="Terminated"/> when it stops.</summary>
    public IActorRef Watch(IActorRef subject)
    {
        _actor.Tell(new ProbeActor.WatchRequest(subject));
        return subject;
    }

    /// <summary>Stops watching <paramref name="subject"/>.</summary>
    public void Unwatch(IActorRef subject) => _actor.Tell(new ProbeActor.UnwatchRequest(subject));

    /// <inheritdoc/>
    public override string ToString() => Path.ToString();

    private static string Show(ReceivedMessage received) =>
        $"{received.Message.GetType().Name} {received.Message} from {received.Sender.Path}";

    private static string Describe(TimeSpan span) => $"{span.TotalMilliseconds:0} ms";
}
