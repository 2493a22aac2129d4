using System.Buffers;

namespace MultiTeacher.Actors.Transport;

/// <summary>
/// Turns messages into bytes and back for transports that leave the process. The manifest names the message's
/// type so the receiver knows how to read the bytes (for example a Protobuf message name).
/// </summary>
public interface IMessageSerializer
{
    /// <summary>Writes <paramref name="message"/> to <paramref name="output"/>.</summary>
    /// <returns>The manifest to send alongside the bytes.</returns>
    /// <exception cref="NotSupportedException">The serializer does not know the message's type.</exception>
    string Serialize(object message, IBufferWriter<byte> output);

    /// <summary>Reads a message; <paramref name="payload"/> may be reused after the call, so copy what is kept.</summary>
    /// <exception cref="NotSupportedException">The serializer does not know <paramref name="manifest"/>.</exception>
    object Deserialize(string manifest, ReadOnlySpan<byte> payload);
}
