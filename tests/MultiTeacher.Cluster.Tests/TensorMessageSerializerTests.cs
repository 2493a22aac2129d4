using System.Diagnostics;
using System.Runtime.Serialization;
using Akka.Serialization;
using MultiTeacher.Cluster.Serialization;
using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Pipeline;
using Xunit.Abstractions;

namespace MultiTeacher.Cluster.Tests;

/// <summary>
/// The dedicated serializer of the tensor-carrying messages: exact round trips, clear errors on malformed bytes, and
/// its speed beside Hyperion's, printed (a measurement, not an assertion).
/// </summary>
public sealed class TensorMessageSerializerTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    private readonly ITestOutputHelper _output = output;
    private static readonly Shard s_shard = new("fashion-mnist/train", 2, 1024, 1024);

    private TensorMessageSerializer Tensor => new((ExtendedActorSystem)Sys);

    private static float[] Floats(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 20 - 10))];
    }

    public static TheoryData<string> Names => ["TeacherOutput", "AggregatedTargets", "Checkpoint"];

    private static object Sample(string name, int rows = 1024) => name switch
    {
        "TeacherOutput" => new TeacherOutput("run-7", s_shard, 9, "cnn:32-64-128", 4, Floats(rows * 10, 1), rows, 10),
        "AggregatedTargets" => new AggregatedTargets("run-7", s_shard, 9, ["t0", "t1", "t2"], [1f, 0.5f, 2f], Floats(rows * 10, 2), ["t3"]),
        "Checkpoint" => new Checkpoint("student-ü", 12, 6000, "mlp:784-1200-1200-10", Floats(2_395_210, 3),
            new Dictionary<string, double> { ["loss"] = 0.125, ["accuracy"] = double.NaN }),
        _ => throw new ArgumentException(name),
    };

    /// <summary>Every field, floats bit for bit (NaN included).</summary>
    private static void AssertSame(object expected, object actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        switch ((expected, actual))
        {
            case (TeacherOutput e, TeacherOutput a):
                Assert.Equal(e with { Logits = [] }, a with { Logits = [] });
                Assert.Equal(e.Logits, a.Logits);
                break;
            case (AggregatedTargets e, AggregatedTargets a):
                Assert.Equal((e.RunId, e.Shard, e.Sequence), (a.RunId, a.Shard, a.Sequence));
                Assert.Equal(e.TeachersUsed, a.TeachersUsed);
                Assert.Equal(e.Weights, a.Weights);
                Assert.Equal(e.Targets, a.Targets);
                Assert.Equal(e.MissingTeachers, a.MissingTeachers);
                break;
            case (Checkpoint e, Checkpoint a):
                Assert.Equal((e.ModelId, e.Version, e.Step, e.Arch), (a.ModelId, a.Version, a.Step, a.Arch));
                Assert.Equal(e.Weights, a.Weights);
                Assert.Equal(e.Metrics.OrderBy(m => m.Key).Select(m => (m.Key, BitConverter.DoubleToInt64Bits(m.Value))),
                    a.Metrics.OrderBy(m => m.Key).Select(m => (m.Key, BitConverter.DoubleToInt64Bits(m.Value))));
                break;
            default:
                Assert.Fail($"no comparison for {expected.GetType().Name}");
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void RoundTrip_EveryTensorMessage_EqualCopy(string name)
    {
        var message = Sample(name, rows: 3);
        var bytes = Tensor.ToBinary(message);

        AssertSame(message, Tensor.FromBinary(bytes, Tensor.Manifest(message)));
    }

    [Theory]
    [InlineData(1, "truncated")]
    [InlineData(40, "a count of 20 items")]
    public void FromBinary_TruncatedBytes_NamesTheMessageAndTheProblem(int cut, string problem)
    {
        var message = Sample("TeacherOutput", rows: 2);
        var bytes = Tensor.ToBinary(message);

        var error = Assert.Throws<SerializationException>(() => Tensor.FromBinary(bytes[..^cut], "TeacherOutput"));

        Assert.Contains($"cannot read a TeacherOutput message from {bytes.Length - cut} bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromBinary_CountLargerThanTheBytes_RefusedBeforeAllocating()
    {
        var bytes = Tensor.ToBinary(new Checkpoint("s", 1, 1, "a", [1f, 2f], new Dictionary<string, double>()));
        int countAt = 1 + 2 + 8 + 8 + 2; // format, "s", version, step, "a"
        BitConverter.TryWriteBytes(bytes.AsSpan(countAt), int.MaxValue);

        var error = Assert.Throws<SerializationException>(() => Tensor.FromBinary(bytes, "Checkpoint"));

        Assert.Contains($"a count of {int.MaxValue} items", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromBinary_OtherFormatUnknownManifestOrTrailingBytes_Refused()
    {
        var bytes = Tensor.ToBinary(Sample("TeacherOutput", rows: 1));
        var otherFormat = (byte[])bytes.Clone();
        otherFormat[0] = 9;

        Assert.Contains("format 9, expected 1", Assert.Throws<SerializationException>(() => Tensor.FromBinary(otherFormat, "TeacherOutput")).Message,
            StringComparison.Ordinal);
        Assert.Contains("unknown manifest", Assert.Throws<SerializationException>(() => Tensor.FromBinary(bytes, "Shard")).Message,
            StringComparison.Ordinal);
        Assert.Contains("3 bytes left over", Assert.Throws<SerializationException>(() => Tensor.FromBinary([.. bytes, 1, 2, 3], "TeacherOutput")).Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Measure_AgainstHyperion_SmallerAndPrinted(string name)
    {
        var message = Sample(name);
        var hyperion = new Akka.Serialization.HyperionSerializer((ExtendedActorSystem)Sys);
        var tensor = Tensor;
        var (hyperionBytes, hyperionMs) = RoundTrips(hyperion, message, (b, _) => hyperion.FromBinary(b, message.GetType()));
        var (tensorBytes, tensorMs) = RoundTrips(tensor, message, (b, m) => tensor.FromBinary(b, m));

        _output.WriteLine($"{name}: Hyperion {hyperionBytes:N0} bytes, {hyperionMs:F3} ms per round trip; "
            + $"TensorMessageSerializer {tensorBytes:N0} bytes, {tensorMs:F3} ms ({hyperionMs / tensorMs:F1}x)");
        Assert.True(tensorBytes <= hyperionBytes, $"{tensorBytes} > {hyperionBytes}");
    }

    /// <summary>Median milliseconds of a ToBinary + FromBinary, after a warm-up, and the byte count.</summary>
    private static (int Bytes, double Ms) RoundTrips(Serializer serializer, object message, Func<byte[], string, object> read)
    {
        string manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        int bytes = serializer.ToBinary(message).Length;
        int repeats = bytes > 1_000_000 ? 7 : 201;
        var times = new List<double>();
        for (int i = 0; i < repeats + 2; i++)
        {
            var clock = Stopwatch.StartNew();
            read(serializer.ToBinary(message), manifest);
            if (i >= 2)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        times.Sort();
        return (bytes, times[times.Count / 2]);
    }
}
