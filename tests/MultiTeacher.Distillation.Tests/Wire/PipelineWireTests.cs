using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Nodes;
using MultiTeacher.Distillation.Online;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Pipeline.Wire;
using MultiTeacher.Distillation.Students;

namespace MultiTeacher.Distillation.Tests.Wire;

public sealed class PipelineWireTests
{
    private static readonly Shard AShard = new("fashion-mnist/train", 2, 3072, 1024);

    private readonly CollectingSink _codecs = new();

    public PipelineWireTests() => PipelineWire.AddTo(_codecs);

    [Fact]
    public void AddTo_RegistersEveryMessageThatCrossesProcesses_UnderDistinctManifests()
    {
        Type[] crossing = [typeof(ShardRequest), typeof(ExpectShard), typeof(TeacherOutput), typeof(AggregatedTargets), typeof(ShardFailed),
            typeof(ShardTrained), typeof(StudentEpochCompleted), typeof(Checkpoint), typeof(CheckpointsWanted), typeof(RunSpec), typeof(RunCompleted), typeof(NodeReport)];

        Assert.Equal(crossing.OrderBy(t => t.Name), _codecs.Types.OrderBy(t => t.Name));
        Assert.Equal(crossing.Length, _codecs.Manifests.Distinct().Count());
        Assert.All(_codecs.Manifests, m => Assert.StartsWith(PipelineWire.ManifestPrefix, m, StringComparison.Ordinal));
    }

    [Fact]
    public void TeacherOutput_RoundTrips_BitForBit()
    {
        float[] logits = [1.5f, -0f, float.Epsilon, 3.4028235e38f, -2.25f, 0.1f];
        var message = new TeacherOutput("run-1", AShard, 7, "cnn-2", 3, logits, 2, 3);

        var copy = _codecs.RoundTrip(message);

        Assert.Equal(message with { Logits = copy.Logits }, copy);
        Assert.Equal(logits.Select(BitConverter.SingleToInt32Bits), copy.Logits.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void AggregatedTargets_RoundTrips()
    {
        var message = new AggregatedTargets("run-1", AShard, 9, ["a", "c"], [0.25f, 0.75f], [0.1f, 0.9f, 0.5f, 0.5f], ["b"]);

        var copy = _codecs.RoundTrip(message);

        Assert.Equal((message.RunId, message.Shard, message.Sequence), (copy.RunId, copy.Shard, copy.Sequence));
        Assert.Equal(message.TeachersUsed, copy.TeachersUsed);
        Assert.Equal(message.Weights, copy.Weights);
        Assert.Equal(message.Targets, copy.Targets);
        Assert.Equal(message.MissingTeachers, copy.MissingTeachers);
    }

    [Fact]
    public void SmallMessages_RoundTrip()
    {
        Assert.Equal(new ShardRequest("r", AShard, 4), _codecs.RoundTrip(new ShardRequest("r", AShard, 4)));
        Assert.Equal(new ExpectShard("r", AShard, 4), _codecs.RoundTrip(new ExpectShard("r", AShard, 4)));
        Assert.Equal(new ShardFailed("r", AShard, 4, "no teacher answered"), _codecs.RoundTrip(new ShardFailed("r", AShard, 4, "no teacher answered")));
        var trained = new ShardTrained("r", AShard, 4, new ShardResult(1024, 0.4321, 900, 1000));
        Assert.Equal(trained, _codecs.RoundTrip(trained));
        var epoch = new StudentEpochCompleted("r", 3, 0.875, double.NaN, 0.31);
        Assert.Equal(epoch, _codecs.RoundTrip(epoch));
        var spec = new RunSpec("r", "student = \"mlp:784-64-10\"", "/srv/mt", "", "/srv/mt/runs/r");
        Assert.Equal(spec, _codecs.RoundTrip(spec));
        Assert.Equal(new RunCompleted("r", false, "no teacher"), _codecs.RoundTrip(new RunCompleted("r", false, "no teacher")));
    }

    [Fact]
    public void Checkpoint_RoundTripsWeightsAndMetrics()
    {
        var message = new Checkpoint("student", 12, 1200, "mlp:784-64-10", [0.5f, -1f], new Dictionary<string, double> { ["shards_trained"] = 54 });

        var copy = _codecs.RoundTrip(message);

        Assert.Equal((message.ModelId, message.Version, message.Step, message.Arch), (copy.ModelId, copy.Version, copy.Step, copy.Arch));
        Assert.Equal(message.Weights, copy.Weights);
        Assert.Equal(54, copy.Metrics["shards_trained"]);
    }

    [Fact]
    public void NodeReport_RoundTrips()
    {
        var report = new NodeReport("r", "node-1", ["teacher", "aggregator"], new Dictionary<string, double> { ["redelivered"] = 3 }, ["late output"]);

        var copy = _codecs.RoundTrip(report);

        Assert.Equal((report.RunId, report.NodeId), (copy.RunId, copy.NodeId));
        Assert.Equal(report.Roles, copy.Roles);
        Assert.Equal(report.Incidents, copy.Incidents);
        Assert.Equal(3, copy.Counters["redelivered"]);
    }

    [Fact]
    public void MessageIds_AreTheSameForCopies_AndDifferForDifferentShardsOrTeachers()
    {
        var output = new TeacherOutput("run-1", AShard, 7, "cnn-2", 3, [1f], 1, 1);

        Assert.Equal(_codecs.IdOf(output), _codecs.IdOf(output with { Logits = [2f] }));
        Assert.NotEqual(_codecs.IdOf(output), _codecs.IdOf(output with { TeacherId = "mlp-1" }));
        Assert.NotEqual(_codecs.IdOf(output), _codecs.IdOf(output with { Shard = AShard with { Epoch = 3 } }));
        Assert.NotEqual(_codecs.IdOf(new ShardRequest("r", AShard, 1)), _codecs.IdOf(new ShardRequest("r2", AShard, 1)));
    }

    [Fact]
    public void Read_MalformedBytes_ThrowsFormatExceptionNamingTheMessage()
    {
        var error = Assert.Throws<FormatException>(() => _codecs.Read<TeacherOutput>([0x0a, 0xff, 0xff, 0xff]));

        Assert.Contains("TeacherOutput", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MessageWithoutShard_ThrowsFormatException()
    {
        var error = Assert.Throws<FormatException>(() => _codecs.Read<ShardRequest>([]));

        Assert.Contains("shard", error.Message, StringComparison.Ordinal);
    }

    private sealed class CollectingSink : IWireCodecSink
    {
        private readonly Dictionary<Type, (string Manifest, Delegate Write, Delegate Read, Delegate Id)> _byType = [];

        public IEnumerable<Type> Types => _byType.Keys;

        public IEnumerable<string> Manifests => _byType.Values.Select(c => c.Manifest);

        public void Add<T>(string manifest, Func<T, byte[]> write, Func<ReadOnlySpan<byte>, T> read, Func<T, string> messageId)
            where T : class => _byType.Add(typeof(T), (manifest, write, read, messageId));

        public T RoundTrip<T>(T message)
            where T : class => Read<T>(((Func<T, byte[]>)_byType[typeof(T)].Write)(message));

        public T Read<T>(byte[] bytes)
            where T : class => ((Func<ReadOnlySpan<byte>, T>)_byType[typeof(T)].Read)(bytes);

        public string IdOf<T>(T message)
            where T : class => ((Func<T, string>)_byType[typeof(T)].Id)(message);
    }
}
