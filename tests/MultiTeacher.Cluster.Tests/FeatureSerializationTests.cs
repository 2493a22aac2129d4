using MultiTeacher.Cluster.Serialization;
using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Features;
using MultiTeacher.Distillation.Pipeline;
using Xunit.Abstractions;

namespace MultiTeacher.Cluster.Tests;

/// <summary>Feature blocks ride with TeacherOutput and AggregatedTargets through the tensor serializer; messages without them keep their old bytes.</summary>
public sealed class FeatureSerializationTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    private static readonly Shard s_shard = new("fashion-mnist/train", 1, 64, 2);

    private TensorMessageSerializer Tensor => new((ExtendedActorSystem)Sys);

    private static FeatureBlock[] Blocks() =>
    [
        FeatureBlock.Create("cnn", "3", false, [2, 2, 1, 3], [1, -2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0.5f], float16: false),
        FeatureBlock.Create("cnn", "0", true, [2, 3], [0.25f, 1, 2, 3, 4, 65504], float16: true),
    ];

    [Fact]
    public void RoundTrip_TeacherOutputAndTargetsWithFeatures_EveryBlockExact()
    {
        var teacherOutput = new TeacherOutput("run", s_shard, 3, "cnn", 0, [1, 2, 3, 4, 5, 6, 7, 8], 2, 4) { Features = Blocks() };
        var targets = new AggregatedTargets("run", s_shard, 3, ["cnn"], [1f], [0.25f, 0.25f, 0.25f, 0.25f, 0.1f, 0.2f, 0.3f, 0.4f], []) { Features = Blocks() };

        foreach (var (message, features) in new (object, IReadOnlyList<FeatureBlock>)[] { (teacherOutput, teacherOutput.Features), (targets, targets.Features) })
        {
            var copy = Tensor.FromBinary(Tensor.ToBinary(message), Tensor.Manifest(message));
            var read = copy is TeacherOutput o ? o.Features : ((AggregatedTargets)copy).Features;
            Assert.Equal(features.Count, read.Count);
            for (var i = 0; i < features.Count; i++)
            {
                Assert.Equal((features[i].TeacherId, features[i].Layer, features[i].AttentionMap), (read[i].TeacherId, read[i].Layer, read[i].AttentionMap));
                Assert.Equal(features[i].Shape, read[i].Shape);
                Assert.Equal(features[i].Values, read[i].Values);
                Assert.Equal(features[i].Half, read[i].Half);
                Assert.Equal(features[i].ToFloats(), read[i].ToFloats());
            }
        }

        Assert.Equal([0.25f, 1, 2, 3, 4, 65504], Blocks()[1].ToFloats()); // exact in float16
    }

    [Fact]
    public void ToBinary_WithoutFeatures_SameBytesAsBeforeAndReadsBackEmpty()
    {
        var plain = new TeacherOutput("run", s_shard, 3, "cnn", 0, [1, 2, 3, 4, 5, 6, 7, 8], 2, 4);
        var withFeatures = plain with { Features = Blocks() };

        var bytes = Tensor.ToBinary(plain);
        var longer = Tensor.ToBinary(withFeatures);

        Assert.Equal(TensorMessageSerializer.FormatVersion, bytes[0]);
        Assert.Equal(TensorMessageSerializer.FeaturesFormatVersion, longer[0]);
        Assert.Equal(bytes[1..], longer[1..bytes.Length]);
        Assert.Empty(((TeacherOutput)Tensor.FromBinary(bytes, "TeacherOutput")).Features);
        Assert.Equal((12 * 4) + (6 * 2), Blocks().Sum(b => b.ByteCount));
    }

    [Fact]
    public void FromBinary_TruncatedFeatures_RefusedNamingTheMessage()
    {
        var message = new TeacherOutput("run", s_shard, 3, "cnn", 0, [1, 2, 3, 4, 5, 6, 7, 8], 2, 4) { Features = Blocks() };
        var bytes = Tensor.ToBinary(message);

        var e = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => Tensor.FromBinary(bytes[..^3], "TeacherOutput"));
        Assert.Contains("TeacherOutput", e.Message, StringComparison.Ordinal);
    }
}
