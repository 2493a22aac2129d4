namespace MultiTeacher.Core.Data;

/// <summary>The contents of one IDX file of unsigned bytes: its dimensions and its payload.</summary>
public sealed class IdxArray
{
    internal IdxArray(string source, int magic, int[] dimensions, byte[] data)
    {
        Source = source;
        Magic = magic;
        Dimensions = dimensions;
        Data = data;
    }

    /// <summary>The file this array was read from.</summary>
    public string Source { get; }

    /// <summary>The magic number, for example 0x00000803 for images (unsigned bytes, three dimensions).</summary>
    public int Magic { get; }

    /// <summary>The dimensions, outermost first: [count, rows, columns] for images, [count] for labels.</summary>
    public int[] Dimensions { get; }

    /// <summary>The payload, row-major; its length is the product of <see cref="Dimensions"/>.</summary>
    public byte[] Data { get; }

    /// <summary>The outermost dimension: the number of images or labels.</summary>
    public int Count => Dimensions[0];
}
