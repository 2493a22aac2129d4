namespace MultiTeacher.Core.Tensors;

/// <summary>
/// A float32 tensor in row-major order. The buffer may be larger than the shape needs (<see cref="Capacity"/>), so a
/// layer can keep one tensor across batches of different sizes without allocating again.
/// </summary>
public sealed class Tensor
{
    private float[] _data;
    private int[] _shape;

    /// <summary>Creates a zero tensor of the given shape.</summary>
    public Tensor(params int[] shape)
    {
        _shape = (int[])shape.Clone();
        Length = ShapeText.Product(shape);
        _data = new float[Length];
    }

    /// <summary>Wraps <paramref name="data"/> (not copied) with the given shape.</summary>
    public Tensor(float[] data, params int[] shape)
    {
        var length = ShapeText.Product(shape);
        if (data.Length < length)
        {
            throw new ArgumentException($"a buffer of {data.Length} floats cannot hold a tensor of shape {ShapeText.Format(shape)} ({length} floats)");
        }

        _data = data;
        _shape = (int[])shape.Clone();
        Length = length;
    }

    /// <summary>The shape, outermost dimension first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Number of elements the shape holds.</summary>
    public int Length { get; private set; }

    /// <summary>Size of the underlying buffer.</summary>
    public int Capacity => _data.Length;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>The underlying buffer (may be longer than <see cref="Length"/>).</summary>
    public float[] Buffer => _data;

    /// <summary>The elements, <see cref="Length"/> long.</summary>
    public Span<float> Span => _data.AsSpan(0, Length);

    /// <summary>Size of dimension <paramref name="axis"/>.</summary>
    public int Dim(int axis) => _shape[axis];

    /// <summary>Number of elements per row of the outermost dimension.</summary>
    public int RowLength => _shape.Length == 0 ? 1 : Length / Math.Max(_shape[0], 1);

    /// <summary>Elements of row <paramref name="row"/> of the outermost dimension.</summary>
    public Span<float> Row(int row) => _data.AsSpan(row * RowLength, RowLength);

    /// <summary>Changes the shape, reallocating only when the buffer is too small (contents then undefined).</summary>
    public void Reshape(params ReadOnlySpan<int> shape)
    {
        var length = ShapeText.Product(shape);
        if (length > _data.Length)
        {
            _data = new float[length];
        }

        if (_shape.Length != shape.Length)
        {
            _shape = new int[shape.Length];
        }

        shape.CopyTo(_shape);
        Length = length;
    }

    /// <summary>Same as <see cref="Reshape"/> with the outermost dimension replaced by <paramref name="batch"/>.</summary>
    public void ReshapeBatch(int batch, ReadOnlySpan<int> sampleShape)
    {
        Span<int> shape = stackalloc int[sampleShape.Length + 1];
        shape[0] = batch;
        sampleShape.CopyTo(shape[1..]);
        Reshape(shape);
    }

    /// <summary>Makes this tensor a view of <paramref name="source"/>'s buffer with another shape of the same size.</summary>
    public void AliasOf(Tensor source, ReadOnlySpan<int> shape)
    {
        var length = ShapeText.Product(shape);
        if (length != source.Length)
        {
            throw new ArgumentException($"cannot view a tensor of shape {source.ShapeString} as {ShapeText.Format(shape)}");
        }

        _data = source._data;
        if (_shape.Length != shape.Length)
        {
            _shape = new int[shape.Length];
        }

        shape.CopyTo(_shape);
        Length = length;
    }

    /// <summary>Shape as text, for example <c>(128, 1, 28, 28)</c>.</summary>
    public string ShapeString => ShapeText.Format(_shape);

    /// <summary>A deep copy with a buffer of exactly <see cref="Length"/> elements.</summary>
    public Tensor Clone() => new(Span.ToArray(), _shape);

    /// <inheritdoc />
    public override string ToString() => $"Tensor{ShapeString}";
}
