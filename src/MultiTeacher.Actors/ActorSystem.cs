using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using MultiTeacher.Actors.Dispatch;
using MultiTeacher.Actors.Transport;

namespace MultiTeacher.Actors;

/// <summary>
/// A named tree of actors sharing a clock, a logger factory, dead letters, an event stream and a transport.
/// Top-level actors live under <c>/user</c>. Disposing the system stops every actor, children before parents:
/// each finishes the message in hand, runs <c>PostStop</c>, and the messages still queued become dead letters.
/// </summary>
public sealed class ActorSystem : IAsyncDisposable, IDisposable
{
    private readonly ActorCell _userGuardian;
    private readonly ActorCell _systemGuardian;
    private readonly ConcurrentDictionary<string, IActorRef> _temporary = new(StringComparer.Ordinal);
    private readonly IDisposable? _transportConnection;
    private readonly Lazy<Task> _shutdown;
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastTemporary;

    /// <summary>Creates and starts a system.</summary>
    /// <param name="name">Letters, digits, '-' and '_'; part of every actor's <see cref="ActorAddress"/>.</param>
    /// <param name="options">The settings; <c>null</c> for the defaults.</param>
    public ActorSystem(string name, ActorSystemOptions? options = null)
    {
        if (string.IsNullOrEmpty(name) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"'{name}' is not a valid system name: use letters, digits, '-' and '_'.", nameof(name));
        }
        Name = name;
        Options = options ?? new ActorSystemOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.Throughput, 1, nameof(options));
        Logger = LoggerFactory.CreateLogger<ActorSystem>();
        EventStream = new EventStream();
        DeadLetters = new DeadLetterRef(this);
        _userGuardian = StartGuardian("user", Options.GuardianSupervisorStrategy);
        _systemGuardian = StartGuardian("system", SupervisorStrategy.Default);
        _shutdown = new Lazy<Task>(ShutdownCoreAsync);
        try
        {
            _transportConnection = Options.Transport?.Connect(this);
        }
        catch
        {
            _userGuardian.Mailbox.PostSystem(SystemMessage.Terminate);
            _systemGuardian.Mailbox.PostSystem(SystemMessage.Terminate);
            throw;
        }
    }

    /// <summary>The system's name.</summary>
    public string Name { get; }

    /// <summary>The settings the system was created with.</summary>
    public ActorSystemOptions Options { get; }

    /// <summary>The clock of timers and ask timeouts.</summary>
    public TimeProvider TimeProvider => Options.TimeProvider;

    /// <summary>Where actors and the kernel log.</summary>
    public ILoggerFactory LoggerFactory => Options.LoggerFactory;

    /// <summary>Undeliverable messages: counted, logged and published as <see cref="DeadLetter"/>.</summary>
    public DeadLetterRef DeadLetters { get; }

    /// <summary>System-wide events such as <see cref="DeadLetter"/> and <see cref="UnhandledMessage"/>.</summary>
    public EventStream EventStream { get; }

    /// <summary>The address of this system's root, <c>mt://name@node/</c>.</summary>
    public ActorAddress Address => new(Name, Options.Node, ActorPath.Root);

    /// <summary>Completes when shutdown has finished.</summary>
    public Task WhenTerminated => _terminated.Task;

    internal ILogger Logger { get; }

    /// <summary>Creates a top-level actor under <c>/user</c>; see <see cref="IActorContext.ActorOf"/>.</summary>
    /// <exception cref="InvalidOperationException">The system is shutting down.</exception>
    public IActorRef ActorOf(Props props, string? name = null) => _userGuardian.CreateChild(props, name);

    /// <summary>Creates an internal actor under <c>/system</c> (test probes, kernel helpers); stopped after all user actors.</summary>
    public IActorRef SystemActorOf(Props props, string? name = null) => _systemGuardian.CreateChild(props, name);

    /// <summary>Stops an actor of this process; see <see cref="IActorContext.Stop"/>.</summary>
    public void Stop(IActorRef actor)
    {
        var local = ToLocal(actor) ?? throw new NotSupportedException($"{actor.Path} is not an actor of this process.");
        local.Cell.Mailbox.PostSystem(SystemMessage.Terminate);
    }

    /// <summary>
    /// The reference for <paramref name="address"/>: the local actor (or a dead-letter reference if none lives
    /// there) when the address names this system, otherwise a <see cref="RemoteActorRef"/> through the transport.
    /// </summary>
    /// <exception cref="InvalidOperationException">The address is remote and the system has no transport.</exception>
    public IActorRef Resolve(ActorAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsSameSystem(Address))
        {
            return Resolve(address.Path);
        }
        var transport = Options.Transport ?? throw new InvalidOperationException($"{address} is remote and system '{Name}' has no transport.");
        return new RemoteActorRef(this, address, transport);
    }

    /// <summary>The local actor at <paramref name="path"/>, or a reference that dead-letters everything if none lives there.</summary>
    public IActorRef Resolve(ActorPath path) => TryResolve(path) ?? new EmptyActorRef(this, path);

    /// <summary>The full address of <paramref name="actor"/>, as a remote system would name it.</summary>
    public ActorAddress AddressOf(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor is RemoteActorRef remote ? remote.Address : new ActorAddress(actor.System.Name, actor.System.Options.Node, actor.Path);
    }

    /// <summary>
    /// Hands a message that arrived through a transport to its local recipient (a dead letter if none lives
    /// there); the sender address becomes a reference replies can be sent to.
    /// </summary>
    public void DeliverInbound(ActorAddress recipient, object message, ActorAddress? sender)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(message);
        Resolve(recipient.Path).Tell(message, sender is null ? null : Resolve(sender));
    }

    /// <summary>
    /// Hands a message that arrived through a transport to a local actor and tells <paramref name="delivery"/> its
    /// fate: <see cref="IInboundDelivery.Handled"/> once the handler returned and the work it attached to
    /// <see cref="DeliveryContext.Current"/> completed (or, if the actor deferred it, once it completed the
    /// <see cref="DeferredDelivery"/>), <see cref="IInboundDelivery.Failed"/> if the handler threw or the actor could
    /// not take the message, <see cref="IInboundDelivery.Rejected"/> if the actor rejected it.
    /// </summary>
    /// <param name="recipient">An actor of this process (a reference that resolves to one, such as a test probe).</param>
    /// <param name="message">The deserialized message.</param>
    /// <param name="sender">Who the recipient sees as <c>Sender</c>; <c>null</c> for nobody.</param>
    /// <param name="delivery">The transport's handle on the message.</param>
    public void DeliverInbound(IActorRef recipient, object message, IActorRef? sender, IInboundDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(delivery);
        var local = recipient is RemoteActorRef ? null : recipient.System == this ? ToLocal(recipient) : null;
        if (local is null)
        {
            delivery.Failed(new InvalidOperationException($"{recipient.Path} is not a living actor of system '{Name}'."));
            return;
        }
        local.Tell(new InboundMessage(message, delivery), sender);
    }

    /// <summary>Stops all actors (user actors, then internal ones), children first, and disconnects the transport.</summary>
    public Task ShutdownAsync() => _shutdown.Value;

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => new(ShutdownAsync());

    /// <summary>Shuts down and blocks until done; prefer <see cref="DisposeAsync"/>. Do not call it from an actor.</summary>
    public void Dispose() => ShutdownAsync().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override string ToString() => Address.ToString();

    /// <summary>The local reference behind <paramref name="actor"/> (resolving wrappers such as test probes by path), or <c>null</c>.</summary>
    internal LocalActorRef? ToLocal(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor as LocalActorRef ?? (actor is RemoteActorRef ? null : actor.System.TryResolve(actor.Path) as LocalActorRef);
    }

    internal ActorPath RegisterTemporary(IActorRef actor, string prefix)
    {
        var name = prefix + Interlocked.Increment(ref _lastTemporary).ToString(CultureInfo.InvariantCulture);
        _temporary[name] = actor;
        return ActorPath.Root / "temp" / name;
    }

    internal void UnregisterTemporary(ActorPath path) => _temporary.TryRemove(path.Name, out _);

    private IActorRef? TryResolve(ActorPath path)
    {
        var elements = path.Elements;
        if (elements.Count == 0)
        {
            return null;
        }
        ActorCell cell;
        switch (elements[0])
        {
            case "user":
                cell = _userGuardian;
                break;
            case "system":
                cell = _systemGuardian;
                break;
            case "temp":
                return elements.Count == 2 && _temporary.TryGetValue(elements[1], out var temporary) ? temporary : null;
            case "deadLetters":
                return elements.Count == 1 ? DeadLetters : null;
            default:
                return null;
        }
        var actor = cell.Self;
        for (var i = 1; i < elements.Count && actor is not null; i++)
        {
            actor = actor.Cell.TryGetChild(elements[i]);
        }
        return actor;
    }

    private ActorCell StartGuardian(string name, SupervisorStrategy strategy)
    {
        var props = Props.Create<GuardianActor>() with { SupervisorStrategy = strategy };
        var guardian = new ActorCell(this, props, parent: null, ActorPath.Root / name);
        guardian.Mailbox.PostSystem(SystemMessage.Create);
        return guardian;
    }

    private async Task ShutdownCoreAsync()
    {
        _userGuardian.Mailbox.PostSystem(SystemMessage.Terminate);
        await _userGuardian.WhenTerminated.ConfigureAwait(false);
        _systemGuardian.Mailbox.PostSystem(SystemMessage.Terminate);
        await _systemGuardian.WhenTerminated.ConfigureAwait(false);
        _transportConnection?.Dispose();
        _terminated.TrySetResult();
    }
}
