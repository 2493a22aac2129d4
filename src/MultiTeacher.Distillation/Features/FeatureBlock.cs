using System.Numerics.Tensors;
using MultiTeacher.Core.Models;

namespace MultiTeacher.Distillation.Features;

/// <summary>
/// One teacher's feature (or attention map) for the rows of a shard, as plain data for messages: the shape
/// (rows, ...) and the values row-major, in float32 (<see cref="Values"/>) or float16 (<see cref="Half"/>, 2 bytes
/// each, little-endian), the other left empty.
/// </summary>
/// <param name="TeacherId">The teacher.</param>
/// <param name="Layer">The teacher's layer.</param>
/// <param name="AttentionMap">Whether the values are the layer's attention map rather than the layer's output.</param>
/// <param name="Shape">(rows, C, H, W), (rows, H, W) or (rows, D).</param>
/// <param name="Values">float32 values, or empty.</param>
/// <param name="Half">float16 values as bytes, or empty.</param>
public sealed record FeatureBlock(string TeacherId, string Layer, bool AttentionMap, int[] Shape, float[] Values, byte[] Half)
{
    /// <summary>Rows of the shard.</summary>
    public int Rows => Shape.Length == 0 ? 0 : Shape[0];

    /// <summary>Bytes of values carried (what the wire pays beside names and shape).</summary>
    public long ByteCount => (Values.Length * 4L) + Half.Length;

    /// <summary>Number of values the shape holds.</summary>
    public int Count => ShapeText.Product(Shape);

    /// <summary>A block of <paramref name="values"/>, stored as float16 when <paramref name="float16"/>.</summary>
    public static FeatureBlock Create(string teacherId, string layer, bool attentionMap, int[] shape, float[] values, bool float16)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!float16)
        {
            return new FeatureBlock(teacherId, layer, attentionMap, shape, values, []);
        }

        var halves = new System.Half[values.Length];
        TensorPrimitives.ConvertToHalf(values, halves);
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < halves.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), halves[i]);
        }

        return new FeatureBlock(teacherId, layer, attentionMap, shape, [], bytes);
    }

    /// <summary>The values as float32 (a copy when they travelled as float16, else the array itself).</summary>
    public float[] ToFloats()
    {
        if (Half.Length == 0)
        {
            return Values;
        }

        var halves = new System.Half[Half.Length / 2];
        for (var i = 0; i < halves.Length; i++)
        {
            halves[i] = System.Buffers.Binary.BinaryPrimitives.ReadHalfLittleEndian(Half.AsSpan(i * 2));
        }

        var values = new float[halves.Length];
        TensorPrimitives.ConvertToSingle(halves, values);
        return values;
    }

    /// <summary>What is wrong with the block for a shard of <paramref name="rows"/> rows, or null: its shape, its size, or a value that is not finite.</summary>
    public string? Problem(int rows)
    {
        if (Shape.Length < 2 || Shape[0] != rows || Shape.Any(d => d <= 0))
        {
            return $"feature of layer {Layer} has shape {ShapeText.Format(Shape)}, expected ({rows}, ...)";
        }

        var stored = Half.Length > 0 ? Half.Length / 2 : Values.Length;
        if (stored != Count || (Half.Length > 0 && Values.Length > 0) || Half.Length % 2 != 0)
        {
            return $"feature of layer {Layer} holds {stored} values for shape {ShapeText.Format(Shape)}";
        }

        var values = ToFloats();
        var rowLength = Count / rows;
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return $"feature of layer {Layer} holds {values[i]} at row {i / rowLength}, element {i % rowLength}";
            }
        }

        return null;
    }
}
