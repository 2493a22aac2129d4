using MultiTeacher.Cluster;
using MultiTeacher.Distillation.Pipeline.Wire;

namespace MultiTeacher.Cli.Cluster;

/// <summary>Lets the pipeline register its Protobuf codecs with the transport's serializer registry.</summary>
internal sealed class RegistrySink(MessageSerializerRegistry registry) : IWireCodecSink
{
    public void Add<T>(string manifest, Func<T, byte[]> write, Func<ReadOnlySpan<byte>, T> read, Func<T, string> messageId)
        where T : class => registry.Add(manifest, write, read, messageId);

    /// <summary>A registry that knows every pipeline and node message.</summary>
    public static MessageSerializerRegistry PipelineRegistry()
    {
        var registry = new MessageSerializerRegistry();
        PipelineWire.AddTo(new RegistrySink(registry));
        return registry;
    }
}
