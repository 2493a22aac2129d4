namespace MultiTeacher.Core.Checkpoints;

/// <summary>A named float32 tensor of a safetensors file: its shape and its elements in C (row-major) order.</summary>
public sealed class SafetensorsTensor
{
    /// <summary>Creates a tensor after checking that the shape's product equals the data's length.</summary>
    /// <param name="name">Tensor name, for example <c>0.weight</c> (PyTorch's <c>state_dict()</c> key).</param>
    /// <param name="shape">Dimensions, outermost first, for example [64, 784]; empty for a scalar.</param>
    /// <param name="data">Elements in C order; not copied (may be a slice of a model's parameter blob).</param>
    /// <exception cref="ArgumentException">The name is empty or reserved, a dimension is negative, or the sizes disagree.</exception>
    public SafetensorsTensor(string name, int[] shape, ReadOnlyMemory<float> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (name == Safetensors.MetadataKey)
        {
            throw new ArgumentException($"'{Safetensors.MetadataKey}' is reserved for metadata and cannot name a tensor.", nameof(name));
        }

        long product = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0)
            {
                throw new ArgumentException($"Tensor '{name}': dimensions must be non-negative, got [{string.Join(", ", shape)}].", nameof(shape));
            }

            product *= dimension;
        }

        if (product != data.Length)
        {
            throw new ArgumentException($"Tensor '{name}': shape [{string.Join(", ", shape)}] holds {product} elements, the data has {data.Length}.", nameof(data));
        }

        Name = name;
        Shape = shape;
        Data = data;
    }

    /// <summary>Tensor name, for example <c>0.weight</c>.</summary>
    public string Name { get; }

    /// <summary>Dimensions, outermost first; empty for a scalar.</summary>
    public int[] Shape { get; }

    /// <summary>Elements in C order.</summary>
    public ReadOnlyMemory<float> Data { get; }

    /// <summary>Number of elements: the product of <see cref="Shape"/>.</summary>
    public int Length => Data.Length;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} [{string.Join(", ", Shape)}]";
}
