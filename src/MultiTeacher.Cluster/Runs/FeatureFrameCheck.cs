using System.Globalization;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Features;

namespace MultiTeacher.Cluster.Runs;

/// <summary>
/// Refuses, before a feature run starts on a cluster, a teacher whose shard output would not fit in one Akka.Remote
/// frame: an oversized message is dropped by the sender's transport (AKKA.md), so the shard would never be answered.
/// </summary>
public static class FeatureFrameCheck
{
    /// <summary>
    /// Bytes kept free in a frame beside the logits and feature values: the message's ids, shapes and Akka's envelope
    /// (a few hundred bytes in practice).
    /// </summary>
    public const long EnvelopeAllowance = 4096;

    /// <summary>
    /// The bytes of logits and feature values teacher <paramref name="teacherId"/> sends per shard of
    /// <paramref name="rowsPerShard"/> rows under <paramref name="plan"/>.
    /// </summary>
    public static long BytesPerShard(FeaturePlan plan, string teacherId, int rowsPerShard, int classes)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var perRow = (long)classes * sizeof(float) + plan.WireShapesFor(teacherId).Sum(w => (long)ShapeText.Product(w.RowShape) * (plan.Wire.Float16 ? 2 : 4));
        return perRow * rowsPerShard;
    }

    /// <summary>Throws when a teacher's shard output exceeds <paramref name="maximumFrameSize"/> less <see cref="EnvelopeAllowance"/>.</summary>
    /// <exception cref="ArgumentException">The message names the teacher, its layers and their forms, the bytes per shard, the limit and the ways out.</exception>
    public static void Check(FeaturePlan plan, IEnumerable<string> teacherIds, int rowsPerShard, int classes, long maximumFrameSize)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(teacherIds);
        foreach (var id in teacherIds)
        {
            var bytes = BytesPerShard(plan, id, rowsPerShard, classes);
            if (bytes + EnvelopeAllowance <= maximumFrameSize)
            {
                continue;
            }

            var layers = string.Join(", ", plan.WireShapesFor(id).Select(w =>
                $"layer {w.Request.Layer} as {(w.Request.AttentionMap ? "attention map" : "full feature")} {ShapeText.Format(w.RowShape)} per row"));
            var canMap = plan.WireShapesFor(id).Any(w => !w.Request.AttentionMap);
            var ways = (canMap && !plan.Wire.AttentionMaps ? "send attention maps instead (feature-form = attention-map, for layers only attention uses), " : "") +
                (plan.Wire.Float16 ? "" : "send float16 (feature-dtype = float16), ") + "use smaller shards (shard-size), or raise the frame size";
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"teacher {id}: {layers}: {bytes:N0} bytes per shard of {rowsPerShard:N0} rows (logits included) exceed Akka.Remote's frame of {maximumFrameSize:N0} bytes (akka.remote.dot-netty.tcp.maximum-frame-size, less {EnvelopeAllowance:N0} for the envelope), and an oversized message is dropped: {ways}"));
        }
    }
}
