using System.Buffers;
using System.Collections.Concurrent;

namespace MultiTeacher.Actors.Transport;

/// <summary>
/// The embedded transport: systems of one process hand each other the message objects themselves, without
/// serialization. Given a serializer, it round-trips every message through it instead, which lets tests check that
/// messages survive the wire before a broker is involved.
/// </summary>
public sealed class InProcessTransport : ITransport
{
    private readonly ConcurrentDictionary<(string System, string? Node), ActorSystem> _systems = new();
    private readonly IMessageSerializer? _roundTrip;

    /// <summary>Creates a transport.</summary>
    /// <param name="roundTripSerializer">If given, every message is serialized and deserialized on the way.</param>
    public InProcessTransport(IMessageSerializer? roundTripSerializer = null)
    {
        _roundTrip = roundTripSerializer;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">A system with the same name and node is connected.</exception>
    public IDisposable Connect(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        var key = (system.Name, system.Options.Node);
        if (!_systems.TryAdd(key, system))
        {
            throw new InvalidOperationException($"A system named {system.Address} is already connected to this transport.");
        }
        return new Connection(() => _systems.TryRemove(new KeyValuePair<(string, string?), ActorSystem>(key, system)));
    }

    /// <inheritdoc/>
    public bool Send(ActorAddress recipient, object message, ActorAddress? sender)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(message);
        if (!_systems.TryGetValue((recipient.System, recipient.Node), out var system))
        {
            return false;
        }
        if (_roundTrip is not null)
        {
            var buffer = new ArrayBufferWriter<byte>();
            var manifest = _roundTrip.Serialize(message, buffer);
            message = _roundTrip.Deserialize(manifest, buffer.WrittenSpan);
        }
        system.DeliverInbound(recipient, message, sender);
        return true;
    }

    private sealed class Connection(Action disconnect) : IDisposable
    {
        private Action? _disconnect = disconnect;

        public void Dispose() => Interlocked.Exchange(ref _disconnect, null)?.Invoke();
    }
}
