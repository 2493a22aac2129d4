namespace MultiTeacher.Core.Data;

/// <summary>
/// A C-ordered NumPy array in memory: its shape, its element type and its elements. Get the elements with the
/// accessor matching <see cref="DType"/>; the others throw, naming the source and the actual type.
/// </summary>
public sealed class NpyArray
{
    private readonly Array _data;

    private NpyArray(string source, NpyDType dtype, string descr, int[] shape, Array data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long product = 1;
        foreach (var dimension in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dimension, nameof(shape));
            product *= dimension;
        }

        if (product != data.Length)
        {
            throw new ArgumentException($"{source}: shape ({string.Join(", ", shape)}) holds {product} elements, the data has {data.Length}.", nameof(shape));
        }

        Source = source;
        DType = dtype;
        Descr = descr;
        Shape = shape;
        _data = data;
    }

    /// <summary>The file the array was read from, or "(memory)" for arrays built in code.</summary>
    public string Source { get; }

    /// <summary>The element type in memory.</summary>
    public NpyDType DType { get; }

    /// <summary>The NumPy type string as stored in the file, for example <c>&lt;f4</c> (or <c>&lt;i4</c> for a widened array).</summary>
    public string Descr { get; }

    /// <summary>The dimensions, outermost first; empty for a scalar.</summary>
    public int[] Shape { get; }

    /// <summary>The number of elements: the product of <see cref="Shape"/>.</summary>
    public int Length => _data.Length;

    /// <summary>Wraps float32 elements (not copied) with a shape.</summary>
    public static NpyArray FromFloat32(float[] data, params int[] shape) => new("(memory)", NpyDType.Float32, "<f4", shape, data);

    /// <summary>Wraps unsigned-byte elements (not copied) with a shape.</summary>
    public static NpyArray FromUInt8(byte[] data, params int[] shape) => new("(memory)", NpyDType.UInt8, "|u1", shape, data);

    /// <summary>Wraps int64 elements (not copied) with a shape.</summary>
    public static NpyArray FromInt64(long[] data, params int[] shape) => new("(memory)", NpyDType.Int64, "<i8", shape, data);

    /// <summary>The float32 elements.</summary>
    /// <exception cref="InvalidOperationException">The array holds another type.</exception>
    public float[] AsFloat32() => As<float>(NpyDType.Float32);

    /// <summary>The unsigned-byte elements.</summary>
    /// <exception cref="InvalidOperationException">The array holds another type.</exception>
    public byte[] AsUInt8() => As<byte>(NpyDType.UInt8);

    /// <summary>The int64 elements.</summary>
    /// <exception cref="InvalidOperationException">The array holds another type.</exception>
    public long[] AsInt64() => As<long>(NpyDType.Int64);

    internal static NpyArray Create(string source, NpyDType dtype, string descr, int[] shape, Array data) => new(source, dtype, descr, shape, data);

    internal Array RawData => _data;

    private T[] As<T>(NpyDType wanted) => _data as T[]
        ?? throw new InvalidOperationException($"{Source}: the array has dtype {Descr} ({DType}), not {wanted}; use As{DType}().");
}
