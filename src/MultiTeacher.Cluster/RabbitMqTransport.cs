using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MultiTeacher.Actors;
using MultiTeacher.Actors.Transport;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace MultiTeacher.Cluster;

/// <summary>
/// The actor kernel's transport over RabbitMQ. It gives a node: work queues (durable quorum queues whose deliveries
/// are acknowledged only once the receiving actor has handled them and its own publishes are confirmed),
/// broadcasts (fan-out exchanges, optionally keeping only the latest message per subscriber), and direct
/// addressing of remote actors (one queue per node, so replies reach their sender). Every message travels in a
/// versioned Protobuf <c>Envelope</c>; large payloads go through an <see cref="IClaimCheckStore"/>. Anything a
/// receiver cannot read is moved to <c>PREFIX.dead-letters</c> with the reason in header <c>x-mt-reason</c>.
/// Delivery is at least once: receivers de-duplicate by message id.
/// </summary>
public sealed partial class RabbitMqTransport : ITransport, IAsyncDisposable
{
    /// <summary>The envelope version this transport writes and reads.</summary>
    public const uint EnvelopeVersion = 1;

    /// <summary>The header that carries why a message was dead-lettered.</summary>
    public const string ReasonHeader = "x-mt-reason";

    /// <summary>A quorum queue dead-letters a message handed back this many times (a handler that always throws).</summary>
    public const int DeliveryLimit = 20;

    private readonly IConnection _connection;
    private readonly MessageSerializerRegistry _serializers;
    private readonly IClaimCheckStore _claimChecks;
    private readonly ILogger _log;
    private readonly CounterSet _counters = new();
    private readonly ConcurrentDictionary<string, ActorSystem> _systems = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task>> _declared = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _outstanding = new();
    private readonly ConcurrentDictionary<string, bool> _classicQueues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _abandoned = new(StringComparer.Ordinal);
    private readonly List<IChannel> _consumerChannels = [];
    private readonly SemaphoreSlim _topologyGate = new(1, 1);
    private readonly CancellationTokenSource _disposing = new();
    private ConfirmingPublisher _publisher = null!;
    private IChannel? _topology;
    private int _disposed;

    private RabbitMqTransport(ClusterSettings settings, string nodeId, MessageSerializerRegistry serializers, IConnection connection,
        IClaimCheckStore claimChecks, ILogger log)
    {
        Settings = settings;
        NodeId = nodeId;
        _serializers = serializers;
        _connection = connection;
        _claimChecks = claimChecks;
        _log = log;
    }

    /// <summary>The settings the transport was connected with.</summary>
    public ClusterSettings Settings { get; }

    /// <summary>This node's id; actor systems connected to the transport must use it as their <c>Node</c>.</summary>
    public string NodeId { get; }

    /// <summary>The counters since the transport connected.</summary>
    public TransportCounters Counters => _counters.Snapshot();

    /// <summary>Whether the connection to the broker is open (false while automatic recovery runs).</summary>
    public bool IsConnected => _connection.IsOpen;

    /// <summary>The name of the dead-letter queue, <c>PREFIX.dead-letters</c>.</summary>
    public string DeadLetterQueue => $"{Settings.Prefix}.dead-letters";

    /// <summary>
    /// Connects to the broker, retrying the first connection <see cref="ClusterSettings.ConnectAttempts"/> times
    /// (automatic recovery takes over afterwards), declares the dead-letter queue and this node's queue, and starts
    /// consuming the latter.
    /// </summary>
    /// <param name="settings">The broker and names.</param>
    /// <param name="nodeId">This node's id: letters, digits, '-', '_' and '.'.</param>
    /// <param name="serializers">Every message type that may travel.</param>
    /// <param name="log">Where the transport logs; <c>null</c> for nowhere.</param>
    /// <param name="ct">Cancels connecting.</param>
    /// <param name="claimChecks">The store of large payloads; <c>null</c> for a <see cref="FileClaimCheckStore"/> in <see cref="ClusterSettings.ClaimCheckDirectory"/>.</param>
    /// <exception cref="ClusterConnectionException">No connection could be made; the message names host:port and the cause.</exception>
    public static async Task<RabbitMqTransport> ConnectAsync(ClusterSettings settings, string nodeId, MessageSerializerRegistry serializers,
        ILogger? log = null, CancellationToken ct = default, IClaimCheckStore? claimChecks = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(serializers);
        if (string.IsNullOrEmpty(nodeId) || !nodeId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"'{nodeId}' is not a valid node id: use letters, digits, '-', '_' and '.'.", nameof(nodeId));
        }
        log ??= NullLogger.Instance;
        var connection = await OpenConnectionAsync(settings, nodeId, log, ct).ConfigureAwait(false);
        claimChecks ??= new FileClaimCheckStore(settings.ClaimCheckDirectory.Length > 0 ? settings.ClaimCheckDirectory : FileClaimCheckStore.DefaultDirectory);
        var transport = new RabbitMqTransport(settings, nodeId, serializers, connection, claimChecks, log);
        try
        {
            await transport.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return transport;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The system's node is not this transport's node id, or a system of that name is connected.</exception>
    public IDisposable Connect(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (!string.Equals(system.Options.Node, NodeId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"System '{system.Name}' has node '{system.Options.Node}', but this transport is node '{NodeId}': set ActorSystemOptions.Node to it.");
        }
        if (!_systems.TryAdd(system.Name, system))
        {
            throw new InvalidOperationException($"A system named '{system.Name}' is already connected to this transport.");
        }
        return new Disconnect(() => _systems.TryRemove(new KeyValuePair<string, ActorSystem>(system.Name, system)));
    }

    /// <inheritdoc/>
    /// <remarks>Publishes to the queue of <paramref name="recipient"/>'s node; a node that does not exist never gets it.</remarks>
    public bool Send(ActorAddress recipient, object message, ActorAddress? sender)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(message);
        if (recipient.Node is null)
        {
            return false;
        }
        return Publish("", NodeQueue(recipient.Node), recipient.ToString(), message, sender, persistent: false);
    }

    /// <summary>
    /// A reference whose <c>Tell</c> publishes a persistent message, with publisher confirms, to the durable quorum
    /// queue <c>PREFIX.work.NAME</c> (declared on first use; classic after <see cref="UseClassicQueue"/>). Inside a handler of a transported message, that
    /// message is acknowledged only after the publish was confirmed.
    /// </summary>
    public IActorRef WorkQueue(ActorSystem system, string name)
    {
        ArgumentNullException.ThrowIfNull(system);
        var queue = WorkQueueName(name);
        return new WireRef(this, system, "work", name, "", queue, persistent: true);
    }

    /// <summary>
    /// A reference whose <c>Tell</c> publishes to the fan-out exchange <c>PREFIX.broadcast.NAME</c>: every subscriber
    /// (<see cref="SubscribeBroadcastAsync"/>) gets a copy.
    /// </summary>
    public IActorRef Broadcast(ActorSystem system, string name)
    {
        ArgumentNullException.ThrowIfNull(system);
        return new WireRef(this, system, "broadcast", name, BroadcastExchange(name), "", persistent: false);
    }

    /// <summary>Waits until every publish started so far is confirmed by the broker (or given up).</summary>
    public async Task FlushAsync()
    {
        foreach (var publish in _outstanding.Keys.ToArray())
        {
            try
            {
                await publish.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Logged where it failed; flushing only waits.
            }
        }
    }

    /// <summary>Disconnects: cancels the consumers (their unacknowledged deliveries go back to their queues) and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _disposing.CancelAsync().ConfigureAwait(false);
        if (_publisher is not null)
        {
            await _publisher.DisposeAsync().ConfigureAwait(false);
        }
        try
        {
            await _connection.CloseAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is AlreadyClosedException or OperationInterruptedException or IOException or TimeoutException)
        {
            // Already gone; nothing to close.
        }
        _connection.Dispose();
        _disposing.Dispose();
        _topologyGate.Dispose();
    }

    /// <summary>
    /// Test support: drops the connection at once, without closing consumers first, as a crashed process would
    /// (no recovery follows). The broker hands this node's unacknowledged deliveries to other consumers.
    /// </summary>
    public async Task AbortAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _disposing.CancelAsync().ConfigureAwait(false);
        await _connection.AbortAsync().ConfigureAwait(false);
        _connection.Dispose();
    }

    internal string WorkQueueName(string name) => $"{Settings.Prefix}.work.{CheckName(name)}";

    internal string BroadcastExchange(string name) => $"{Settings.Prefix}.broadcast.{CheckName(name)}";

    internal string NodeQueue(string nodeId) => $"{Settings.Prefix}.node.{nodeId}";

    internal string MembershipExchange => $"{Settings.Prefix}.membership";

    internal string DeadLetterExchange => $"{Settings.Prefix}.dead-letters";

    internal ILogger Log => _log;

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    private static string CheckName(string name) =>
        !string.IsNullOrEmpty(name) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? name
            : throw new ArgumentException($"'{name}' is not a valid queue or exchange name: use letters, digits, '-', '_' and '.'.", nameof(name));

    private async Task StartAsync(CancellationToken ct)
    {
        _publisher = await ConfirmingPublisher.CreateAsync(_connection, _counters, ct).ConfigureAwait(false);
        await WithTopologyAsync(async channel =>
        {
            await channel.ExchangeDeclareAsync(DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct).ConfigureAwait(false);
            await channel.QueueDeclareAsync(DeadLetterQueue, durable: true, exclusive: false, autoDelete: false, arguments: null, cancellationToken: ct).ConfigureAwait(false);
            await channel.QueueBindAsync(DeadLetterQueue, DeadLetterExchange, "", cancellationToken: ct).ConfigureAwait(false);
            await channel.QueueDeclareAsync(NodeQueue(NodeId), durable: false, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?>
                {
                    ["x-expires"] = 300_000,
                    ["x-dead-letter-exchange"] = DeadLetterExchange,
                },
                cancellationToken: ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        await StartConsumerAsync(NodeQueue(NodeId), Math.Max(Settings.Prefetch, (ushort)32), DeliveryKind.Node, ResolveNodeRecipient, ct).ConfigureAwait(false);
    }

    private IActorRef? ResolveNodeRecipient(Wire.Envelope envelope)
    {
        if (!TryParseAddress(envelope.Recipient, out var address) || !_systems.TryGetValue(address.System, out var system))
        {
            return null;
        }
        return system.Resolve(address.Path);
    }

    private static bool TryParseAddress(string text, out ActorAddress address)
    {
        try
        {
            address = ActorAddress.Parse(text);
            return true;
        }
        catch (FormatException)
        {
            address = null!;
            return false;
        }
    }

    private sealed class Disconnect(Action action) : IDisposable
    {
        private Action? _action = action;

        public void Dispose() => Interlocked.Exchange(ref _action, null)?.Invoke();
    }
}
