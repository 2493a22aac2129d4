using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using MultiTeacher.Actors.Transport;

namespace MultiTeacher.Cluster;

/// <summary>
/// An explicit table of the message types that may cross the wire, each with its manifest (the name the receiver
/// looks up), its writer and reader, and optionally its own deterministic message id (used by receivers to drop
/// duplicates). Register every type before the transport starts; lookups are then lock-free.
/// </summary>
public sealed class MessageSerializerRegistry : IMessageSerializer
{
    private readonly Dictionary<Type, Entry> _byType = [];
    private readonly Dictionary<string, Entry> _byManifest = new(StringComparer.Ordinal);

    /// <summary>Registers <typeparamref name="T"/> under <paramref name="manifest"/>.</summary>
    /// <param name="manifest">The name on the wire; unique in the registry.</param>
    /// <param name="write">Turns a message into bytes.</param>
    /// <param name="read">Turns bytes into a message; the span is only valid during the call.</param>
    /// <param name="messageId">
    /// The message's deterministic id (such as <c>run/epoch/shard/teacher</c>); <c>null</c> for the SHA-256 of the
    /// manifest and the payload.
    /// </param>
    /// <returns>This registry.</returns>
    /// <exception cref="ArgumentException">The type or the manifest is registered already.</exception>
    public MessageSerializerRegistry Add<T>(string manifest, Func<T, byte[]> write, Func<ReadOnlySpan<byte>, T> read, Func<T, string>? messageId = null)
        where T : notnull
    {
        ArgumentException.ThrowIfNullOrEmpty(manifest);
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(read);
        var entry = new Entry(
            manifest,
            (message, output) => output.Write(write((T)message)),
            payload => read(payload),
            messageId is null ? null : message => messageId((T)message));
        if (_byType.ContainsKey(typeof(T)) || _byManifest.ContainsKey(manifest))
        {
            throw new ArgumentException($"{typeof(T).Name} or manifest '{manifest}' is registered already.", nameof(manifest));
        }
        _byType.Add(typeof(T), entry);
        _byManifest.Add(manifest, entry);
        return this;
    }

    /// <summary>Registers a Protobuf message type under its full name (such as <c>multiteacher.cluster.Heartbeat</c>).</summary>
    /// <inheritdoc cref="Add{T}" path="/param[@name='messageId']"/>
    /// <returns>This registry.</returns>
    public MessageSerializerRegistry AddProtobuf<T>(Func<T, string>? messageId = null)
        where T : IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Add(new T().Descriptor.FullName, message => message.ToByteArray(), payload => parser.ParseFrom(payload), messageId);
    }

    /// <summary>Whether <paramref name="type"/> is registered.</summary>
    public bool Knows(Type type) => _byType.ContainsKey(type);

    /// <inheritdoc/>
    public string Serialize(object message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        var entry = Find(message);
        entry.Write(message, output);
        return entry.Manifest;
    }

    /// <inheritdoc/>
    public object Deserialize(string manifest, ReadOnlySpan<byte> payload) =>
        _byManifest.TryGetValue(manifest, out var entry)
            ? entry.Read(payload)
            : throw new NotSupportedException($"unknown manifest '{manifest}'");

    /// <summary>
    /// The message's id: the registered id function's, else the lower-case hex SHA-256 of the manifest's UTF-8 bytes
    /// followed by the payload (so the same message always gets the same id).
    /// </summary>
    public string MessageId(object message, string manifest, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Find(message).MessageId is { } custom)
        {
            return custom(message);
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(manifest));
        hash.AppendData(payload);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private Entry Find(object message) =>
        _byType.TryGetValue(message.GetType(), out var entry)
            ? entry
            : throw new NotSupportedException($"{message.GetType().FullName} is not registered with the message serializer registry.");

    private sealed record Entry(string Manifest, Action<object, IBufferWriter<byte>> Write, Func<ReadOnlySpan<byte>, object> Read, Func<object, string>? MessageId);
}
