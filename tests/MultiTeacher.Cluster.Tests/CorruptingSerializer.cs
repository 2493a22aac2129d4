using Akka.Serialization;
using MultiTeacher.Cluster.Serialization;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Cluster.Tests;

/// <summary>
/// Stands in for <see cref="TensorMessageSerializer"/> on a sending node (same id and manifests) and cuts the last
/// bytes off a checkpoint whose model id is <see cref="CorruptModelId"/>: the receiver gets malformed bytes.
/// </summary>
public sealed class CorruptingSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const string CorruptModelId = "corrupt";
    public const string TypeName = "MultiTeacher.Cluster.Tests.CorruptingSerializer, MultiTeacher.Cluster.Tests";

    private readonly TensorMessageSerializer _inner = new(system);

    public override int Identifier => _inner.Identifier;

    public override string Manifest(object o) => _inner.Manifest(o);

    public override byte[] ToBinary(object obj)
    {
        var bytes = _inner.ToBinary(obj);
        return obj is Checkpoint { ModelId: CorruptModelId } ? bytes[..^7] : bytes;
    }

    public override object FromBinary(byte[] bytes, string manifest) => _inner.FromBinary(bytes, manifest);
}
