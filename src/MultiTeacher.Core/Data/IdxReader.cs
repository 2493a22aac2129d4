using System.Buffers.Binary;
using System.IO.Compression;

namespace MultiTeacher.Core.Data;

/// <summary>
/// Reads IDX files (the MNIST and Fashion-MNIST format), gzip-compressed or raw: a big-endian magic number
/// (0, 0, element type, dimension count), one big-endian 32-bit size per dimension, then the payload.
/// Only unsigned-byte elements (type 0x08) are supported. Every error names the file, what was expected and what was found.
/// </summary>
public static class IdxReader
{
    /// <summary>Magic number of an image file: unsigned bytes, three dimensions (count, rows, columns).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of a label file: unsigned bytes, one dimension (count).</summary>
    public const int LabelsMagic = 0x00000801;

    private const byte UnsignedByteType = 0x08;

    /// <summary>Reads an image file (magic 0x00000803).</summary>
    /// <exception cref="DataFormatException">The file is not a valid IDX image file.</exception>
    public static IdxArray ReadImages(string path) => Read(path, ImagesMagic);

    /// <summary>Reads a label file (magic 0x00000801).</summary>
    /// <exception cref="DataFormatException">The file is not a valid IDX label file.</exception>
    public static IdxArray ReadLabels(string path) => Read(path, LabelsMagic);

    /// <summary>Reads an IDX file whose magic number must be <paramref name="expectedMagic"/>. Gzip is detected by its magic bytes 1f 8b.</summary>
    /// <exception cref="DataFormatException">The file is truncated, corrupt, or has another magic number.</exception>
    public static IdxArray Read(string path, int expectedMagic)
    {
        using var file = File.OpenRead(path);
        var gzip = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        using (stream)
        {
            try
            {
                return Read(stream, path, expectedMagic);
            }
            catch (InvalidDataException e)
            {
                throw new DataFormatException(path, $"corrupt gzip data: {e.Message}", e);
            }
        }
    }

    /// <summary>Reads an uncompressed IDX stream; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="DataFormatException">The stream is truncated, corrupt, or has another magic number.</exception>
    public static IdxArray Read(Stream stream, string source, int expectedMagic)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> word = stackalloc byte[4];
        var found = stream.ReadAtLeast(word, 4, throwOnEndOfStream: false);
        if (found < 4)
        {
            throw new DataFormatException(source, $"truncated: expected a 4-byte IDX magic number, found {found} bytes.", null);
        }

        var magic = BinaryPrimitives.ReadInt32BigEndian(word);
        if (magic != expectedMagic)
        {
            throw new DataFormatException(source, $"expected IDX magic number {Describe(expectedMagic)}, found {Describe(magic)}.", null);
        }

        var dimensions = new int[word[3]];
        long product = 1;
        for (var i = 0; i < dimensions.Length; i++)
        {
            found = stream.ReadAtLeast(word, 4, throwOnEndOfStream: false);
            if (found < 4)
            {
                throw new DataFormatException(source, $"truncated: expected {dimensions.Length} dimension sizes in the header, the file ends in dimension {i}.", null);
            }

            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(word);
            if (dimensions[i] < 0)
            {
                throw new DataFormatException(source, $"dimension {i} is {dimensions[i]}; expected a non-negative size.", null);
            }

            product *= dimensions[i];
            if (product > Array.MaxLength)
            {
                throw new DataFormatException(source, $"header says {Shape(dimensions.AsSpan(0, i + 1))}, more than the {Array.MaxLength} bytes an array can hold.", null);
            }
        }

        var data = new byte[product];
        found = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (found < data.Length)
        {
            throw new DataFormatException(source, $"truncated: header says {Shape(dimensions)} = {product} bytes, found {found}.", null);
        }

        var extra = CountRemaining(stream);
        if (extra > 0)
        {
            throw new DataFormatException(source, $"header says {Shape(dimensions)} = {product} bytes, found {product + extra} (trailing data).", null);
        }

        return new IdxArray(source, magic, dimensions, data);
    }

    private static long CountRemaining(Stream stream)
    {
        Span<byte> buffer = stackalloc byte[4096];
        long total = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }

    private static string Shape(ReadOnlySpan<int> dimensions) => dimensions.Length == 0 ? "a scalar" : string.Join('×', dimensions.ToArray());

    private static string Describe(int magic)
    {
        var type = (magic >> 8) & 0xff;
        var rank = magic & 0xff;
        var kind = (magic >>> 16) != 0
            ? "not an IDX header"
            : type == UnsignedByteType ? $"unsigned bytes, {rank} dimension{(rank == 1 ? "" : "s")}" : $"element type 0x{type:x2}, {rank} dimensions";
        return $"0x{magic:x8} ({kind})";
    }
}
