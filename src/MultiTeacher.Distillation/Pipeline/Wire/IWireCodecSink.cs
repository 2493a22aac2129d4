namespace MultiTeacher.Distillation.Pipeline.Wire;

/// <summary>
/// Receives the pipeline's message codecs (see <see cref="PipelineWire.AddTo"/>); a transport's serializer registry
/// adapts to it, so this project needs to know nothing of the transport.
/// </summary>
public interface IWireCodecSink
{
    /// <summary>Registers one message type under <paramref name="manifest"/>.</summary>
    /// <param name="manifest">The name that travels with the bytes.</param>
    /// <param name="write">Message → bytes.</param>
    /// <param name="read">Bytes → message; throws <see cref="FormatException"/> on bytes that are not this message.</param>
    /// <param name="messageId">A deterministic id: copies of one logical message share it, so receivers can drop them.</param>
    void Add<T>(string manifest, Func<T, byte[]> write, Func<ReadOnlySpan<byte>, T> read, Func<T, string> messageId)
        where T : class;
}
