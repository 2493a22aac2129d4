using Google.Protobuf;
using Google.Protobuf.Collections;
using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Nodes;
using MultiTeacher.Distillation.Online;
using MultiTeacher.Distillation.Students;

namespace MultiTeacher.Distillation.Pipeline.Wire;

/// <summary>
/// The Protobuf form of the pipeline's messages (<c>pipeline.proto</c>), and their deterministic message ids:
/// <c>run/shard/what</c>, so a redelivered or republished copy carries the id of the original.
/// </summary>
public static class PipelineWire
{
    /// <summary>Prefix of every manifest of this schema.</summary>
    public const string ManifestPrefix = "multiteacher.pipeline.";

    /// <summary>Registers every pipeline message that crosses processes, and the node messages that run it on a cluster.</summary>
    public static void AddTo(IWireCodecSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        sink.Add(Manifest(ShardRequestMsg.Descriptor), Write, ReadShardRequest, m => $"{m.RunId}/{m.Shard.Id}/request");
        sink.Add(Manifest(ExpectShardMsg.Descriptor), Write, ReadExpectShard, m => $"{m.RunId}/{m.Shard.Id}/expect");
        sink.Add(Manifest(TeacherOutputMsg.Descriptor), Write, ReadTeacherOutput, m => $"{m.RunId}/{m.Shard.Id}/teacher/{m.TeacherId}/v{m.ModelVersion}");
        sink.Add(Manifest(AggregatedTargetsMsg.Descriptor), Write, ReadAggregatedTargets, m => $"{m.RunId}/{m.Shard.Id}/targets");
        sink.Add(Manifest(ShardFailedMsg.Descriptor), Write, ReadShardFailed, m => $"{m.RunId}/{m.Shard.Id}/failed");
        sink.Add(Manifest(ShardTrainedMsg.Descriptor), Write, ReadShardTrained, m => $"{m.RunId}/{m.Shard.Id}/trained");
        sink.Add(Manifest(StudentEpochCompletedMsg.Descriptor), Write, ReadEpochCompleted, m => $"{m.RunId}/epoch/{m.Epoch}");
        sink.Add(Manifest(CheckpointMsg.Descriptor), Write, ReadCheckpoint, m => $"checkpoint/{m.ModelId}/v{m.Version}");
        // Every request is answered: the id must differ between two joins of the same member.
        sink.Add(Manifest(CheckpointsWantedMsg.Descriptor), Write, ReadCheckpointsWanted, m => $"checkpoints-wanted/{m.RequesterId}/{Guid.NewGuid():N}");
        sink.Add(Manifest(RunSpecMsg.Descriptor), Write, ReadRunSpec, m => $"{m.RunId}/spec");
        sink.Add(Manifest(RunCompletedMsg.Descriptor), Write, ReadRunCompleted, m => $"{m.RunId}/completed");
        sink.Add(Manifest(NodeReportMsg.Descriptor), Write, ReadNodeReport, m => $"{m.RunId}/report/{m.NodeId}");
    }

    private static string Manifest(Google.Protobuf.Reflection.MessageDescriptor descriptor) => descriptor.FullName;

    private static byte[] Write(ShardRequest m) => new ShardRequestMsg { RunId = m.RunId, Shard = ToWire(m.Shard), Sequence = m.Sequence }.ToByteArray();

    private static ShardRequest ReadShardRequest(ReadOnlySpan<byte> bytes)
    {
        var m = Parse(ShardRequestMsg.Parser, bytes);
        return new ShardRequest(m.RunId, FromWire(m.Shard), m.Sequence);
    }

    private static byte[] Write(ExpectShard m) => new ExpectShardMsg { RunId = m.RunId, Shard = ToWire(m.Shard), Sequence = m.Sequence }.ToByteArray();

    private static ExpectShard ReadExpectShard(ReadOnlySpan<byte> bytes)
    {
        var m = Parse(ExpectShardMsg.Parser, bytes);
        return new ExpectShard(m.RunId, FromWire(m.Shard), m.Sequence);
    }

    private static byte[] Write(TeacherOutput m)
    {
        var wire = new TeacherOutputMsg
        {
            RunId = m.RunId, Shard = ToWire(m.Shard), Sequence = m.Sequence, TeacherId = m.TeacherId, ModelVersion = m.ModelVersion,
            Rows = m.Rows, Classes = m.Classes,
        };
        wire.Logits.Add(m.Logits);
        return wire.ToByteArray();
    }

    private static TeacherOutput ReadTeacherOutput(ReadOnlySpan<byte> bytes)
    {
        var m = Parse(TeacherOutputMsg.Parser, bytes);
        return new TeacherOutput(m.RunId, FromWire(m.Shard), m.Sequence, m.TeacherId, m.ModelVersion, ToArray(m.Logits), m.Rows, m.Classes);
    }

    private static byte[] Write(AggregatedTargets m)
    {
        var wire = new AggregatedTargetsMsg { RunId = m.RunId, Shard = ToWire(m.Shard), Sequence = m.Sequence };
        wire.TeachersUsed.Add(m.TeachersUsed);
        wire.Weights.Add(m.Weights);
        wire.Targets.Add(m.Targets);
        wire.MissingTeachers.Add(m.MissingTeachers);
        return wire.ToByteArray();
    }

    private static AggregatedTargets ReadAggregatedTargets(ReadOnlySpan<byte> bytes)
    {
        var m = Parse(AggregatedTargetsMsg.Parser, bytes);
        return new AggregatedTargets(m.RunId, FromWire(m.Shard), m.Sequence, m.TeachersUsed.ToArray(), ToArray(m.Weights), ToArray(m.Targets),
            m.MissingTeachers.ToArray());
    }

    private static byte[] Write(ShardFailed m) =>
        new ShardFailedMsg { RunId = m.RunId, Shard = ToWire(m.Shard), Sequence = m.Sequence, Reason = m.Reason }.ToByteArray();

    private static ShardFailed ReadShardFailed(ReadOnlySpan<byte> bytes)
    {
        var m = Parse(ShardFailedMsg.Parser, bytes);
        return new ShardFailed(m.RunId, FromWire(m.Shard), m.Sequence, m.Reason);
    }

    private static byte[] Write(ShardTrained m) => new ShardTrainedMsg
    {
        RunId = m.RunId, Shard = ToWire(m.Shard), Sequence = m.Sequence,
        Rows = m.Result.Rows, MeanLoss = m.Result.MeanLoss, Correct = m.Result.Correct, Labelled = m.Result.Labelled,
    }.ToByteArray();

    private static ShardTrained ReadShardTrained(ReadOnlySpan<byte> bytes)
    {
        var m = Parse(ShardTrainedMsg.Parser, bytes);
        return new ShardTrained(m.RunId, FromWire(m.Shard), m.Sequence, new ShardResult(m.Rows, m.MeanLoss, m.Correct, m.Labelled));
    }

    private static byte[] Write(StudentEpochCompleted m) => new StudentEpochCompletedMsg
    {
        RunId = m.RunId, Epoch = m.Epoch, ValidationAccuracy = m.ValidationAccuracy, TestAccuracy = m.TestAccuracy, MeanLoss = m.MeanLoss,
    }.ToByteArray();

    private static StudentEpochCompleted ReadEpochCompleted(ReadOnlySpan<byte> bytes)
    {
        var m = Parse(StudentEpochCompletedMsg.Parser, bytes);
        return new StudentEpochCompleted(m.RunId, m.Epoch, m.ValidationAccuracy, m.TestAccuracy, m.MeanLoss);
    }

    private static byte[] Write(Checkpoint m)
    {
        var wire = new CheckpointMsg { ModelId = m.ModelId, Version = m.Version, Step = m.Step, Arch = m.Arch };
        wire.Weights.Add(m.Weights);
        Copy(m.Metrics, wire.Metrics);
        return wire.ToByteArray();
    }

    private static Checkpoint ReadCheckpoint(ReadOnlySpan<byte> bytes)
    {
        var m = Parse(CheckpointMsg.Parser, bytes);
        return new Checkpoint(m.ModelId, m.Version, m.Step, m.Arch, ToArray(m.Weights), new Dictionary<string, double>(m.Metrics));
    }

    private static byte[] Write(CheckpointsWanted m) => new CheckpointsWantedMsg { RequesterId = m.RequesterId }.ToByteArray();

    private static CheckpointsWanted ReadCheckpointsWanted(ReadOnlySpan<byte> bytes) => new(Parse(CheckpointsWantedMsg.Parser, bytes).RequesterId);

    private static byte[] Write(RunSpec m) => new RunSpecMsg
    {
        RunId = m.RunId, RequestHocon = m.RequestHocon, BaseDirectory = m.BaseDirectory, DataDirectory = m.DataDirectory, OutDirectory = m.OutDirectory,
    }.ToByteArray();

    private static RunSpec ReadRunSpec(ReadOnlySpan<byte> bytes)
    {
        var m = Parse(RunSpecMsg.Parser, bytes);
        return new RunSpec(m.RunId, m.RequestHocon, m.BaseDirectory, m.DataDirectory, m.OutDirectory);
    }

    private static byte[] Write(RunCompleted m) => new RunCompletedMsg { RunId = m.RunId, Succeeded = m.Succeeded, Reason = m.Reason }.ToByteArray();

    private static RunCompleted ReadRunCompleted(ReadOnlySpan<byte> bytes)
    {
        var m = Parse(RunCompletedMsg.Parser, bytes);
        return new RunCompleted(m.RunId, m.Succeeded, m.Reason);
    }

    private static byte[] Write(NodeReport m)
    {
        var wire = new NodeReportMsg { RunId = m.RunId, NodeId = m.NodeId };
        wire.Roles.Add(m.Roles);
        wire.Incidents.Add(m.Incidents);
        Copy(m.Counters, wire.Counters);
        return wire.ToByteArray();
    }

    private static NodeReport ReadNodeReport(ReadOnlySpan<byte> bytes)
    {
        var m = Parse(NodeReportMsg.Parser, bytes);
        return new NodeReport(m.RunId, m.NodeId, m.Roles.ToArray(), new Dictionary<string, double>(m.Counters), m.Incidents.ToArray());
    }

    private static ShardMsg ToWire(Shard shard) =>
        new() { Dataset = shard.Dataset, Epoch = shard.Epoch, FirstRow = shard.FirstRow, RowCount = shard.RowCount };

    private static Shard FromWire(ShardMsg? shard) => shard is null
        ? throw new FormatException("message without its shard")
        : new Shard(shard.Dataset, shard.Epoch, shard.FirstRow, shard.RowCount);

    private static void Copy(IReadOnlyDictionary<string, double> values, MapField<string, double> wire)
    {
        foreach (var (name, value) in values)
        {
            wire[name] = value;
        }
    }

    private static float[] ToArray(RepeatedField<float> values)
    {
        var array = new float[values.Count];
        values.CopyTo(array, 0);
        return array;
    }

    private static T Parse<T>(MessageParser<T> parser, ReadOnlySpan<byte> bytes)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new FormatException($"not a valid {typeof(T).Name[..^3]}: {e.Message}", e);
        }
    }
}
