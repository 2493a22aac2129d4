using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace MultiTeacher.Core.Data;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0) of <c>&lt;f4</c>, <c>|u1</c> and
/// <c>&lt;i8</c> elements (<c>&lt;i4</c> is read as int64), in C order, of any shape. Files are written atomically.
/// Every error names the file, what was expected and what was found.
/// </summary>
public static class Npy
{
    private const int MaxHeaderLength = 1 << 20;
    private const int Alignment = 64;
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a .npy file; trailing bytes after the data are an error.</summary>
    /// <exception cref="DataFormatException">The file is truncated, corrupt, Fortran-ordered or of an unsupported dtype.</exception>
    public static NpyArray Read(string path)
    {
        using var stream = File.OpenRead(path);
        var array = Read(stream, path);
        if (stream.Position != stream.Length)
        {
            throw new DataFormatException(path, $"expected the file to end after the data at byte {stream.Position}, found {stream.Length - stream.Position} more bytes.", null);
        }

        return array;
    }

    /// <summary>Reads one array from <paramref name="stream"/>, leaving it just after the data; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="DataFormatException">The stream is truncated, corrupt, Fortran-ordered or of an unsupported dtype.</exception>
    public static NpyArray Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        EnsureLittleEndianHost();
        Span<byte> preamble = stackalloc byte[12];
        ReadExactly(stream, preamble[..8], source, "the 8-byte preamble (\\x93NUMPY and the version)");
        if (!preamble[..6].SequenceEqual(Magic))
        {
            throw new DataFormatException(source, $"not a .npy file: expected magic bytes 93 4E 55 4D 50 59 (\\x93NUMPY), found {Convert.ToHexString(preamble[..6])}.", null);
        }

        int major = preamble[6], minor = preamble[7];
        if (major is < 1 or > 3 || minor != 0)
        {
            throw new DataFormatException(source, $"unsupported .npy format version {major}.{minor}; expected 1.0, 2.0 or 3.0.", null);
        }

        long headerLength;
        if (major == 1)
        {
            ReadExactly(stream, preamble.Slice(8, 2), source, "the 2-byte header length");
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..]);
        }
        else
        {
            ReadExactly(stream, preamble.Slice(8, 4), source, "the 4-byte header length");
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(preamble[8..]);
        }

        if (headerLength > MaxHeaderLength)
        {
            throw new DataFormatException(source, $"header length {headerLength} is implausible; expected at most {MaxHeaderLength} bytes.", null);
        }

        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, source, $"a {headerLength}-byte header");
        var headerText = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        var (descr, fortranOrder, shape) = NpyHeader.Parse(headerText, source);

        var (dtype, itemSize) = descr switch
        {
            "<f4" => (NpyDType.Float32, 4),
            "|u1" or "<u1" => (NpyDType.UInt8, 1),
            "<i8" => (NpyDType.Int64, 8),
            "<i4" => (NpyDType.Int64, 4),
            _ when descr.StartsWith('>') => throw new DataFormatException(source, $"dtype '{descr}' is big-endian; expected little-endian '<f4', '|u1', '<i8' or '<i4' (convert with arr.astype(arr.dtype.newbyteorder('<'))).", null),
            _ => throw new DataFormatException(source, $"unsupported dtype '{descr}'; expected '<f4', '|u1', '<i8' or '<i4'.", null),
        };

        if (fortranOrder && shape.Count(d => d > 1) > 1)
        {
            throw new DataFormatException(source, $"array of shape {NpyHeader.ShowShape(shape)} is stored in Fortran (column-major) order; expected C order. Save it with np.save(path, np.ascontiguousarray(arr)).", null);
        }

        long count = 1;
        foreach (var dimension in shape)
        {
            count *= dimension;
            if (count * itemSize > int.MaxValue)
            {
                throw new DataFormatException(source, $"shape {NpyHeader.ShowShape(shape)} of {descr} is larger than the {int.MaxValue} bytes supported.", null);
            }
        }

        var what = $"shape {NpyHeader.ShowShape(shape)} of {descr} = {count * itemSize} bytes of data";
        Array data = (descr, dtype) switch
        {
            (_, NpyDType.Float32) => ReadElements<float>(stream, (int)count, source, what),
            (_, NpyDType.UInt8) => ReadElements<byte>(stream, (int)count, source, what),
            ("<i8", _) => ReadElements<long>(stream, (int)count, source, what),
            _ => Array.ConvertAll(ReadElements<int>(stream, (int)count, source, what), v => (long)v),
        };
        return NpyArray.Create(source, dtype, descr, shape, data);
    }

    /// <summary>Writes <paramref name="array"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        AtomicFile.Write(path, stream => Write(stream, array));
    }

    /// <summary>Writes float32 elements with the given shape to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, ReadOnlyMemory<float> data, params int[] shape) =>
        AtomicFile.Write(path, stream => WriteCore(stream, "<f4", shape, MemoryMarshal.AsBytes(data.Span), data.Length));

    /// <summary>Writes unsigned-byte elements with the given shape to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, ReadOnlyMemory<byte> data, params int[] shape) =>
        AtomicFile.Write(path, stream => WriteCore(stream, "|u1", shape, data.Span, data.Length));

    /// <summary>Writes int64 elements with the given shape to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, ReadOnlyMemory<long> data, params int[] shape) =>
        AtomicFile.Write(path, stream => WriteCore(stream, "<i8", shape, MemoryMarshal.AsBytes(data.Span), data.Length));

    /// <summary>Writes <paramref name="array"/> to <paramref name="stream"/> in format 1.0 (2.0 if the header needs it).</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        ReadOnlySpan<byte> bytes = array.DType switch
        {
            NpyDType.Float32 => MemoryMarshal.AsBytes(array.AsFloat32().AsSpan()),
            NpyDType.UInt8 => array.AsUInt8(),
            _ => MemoryMarshal.AsBytes(array.AsInt64().AsSpan()),
        };
        var descr = array.DType switch
        {
            NpyDType.Float32 => "<f4",
            NpyDType.UInt8 => "|u1",
            _ => "<i8",
        };
        WriteCore(stream, descr, array.Shape, bytes, array.Length);
    }

    private static void WriteCore(Stream stream, string descr, int[] shape, ReadOnlySpan<byte> bytes, int length)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(shape);
        EnsureLittleEndianHost();
        long product = 1;
        foreach (var dimension in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dimension, nameof(shape));
            product *= dimension;
        }

        if (product != length)
        {
            throw new ArgumentException($"Shape {NpyHeader.ShowShape(shape)} holds {product} elements, the data has {length}.", nameof(shape));
        }

        var dictionary = NpyHeader.Format(descr, shape);
        // Like NumPy: version 1.0 unless the padded header outgrows its 16-bit length; data starts 64-byte aligned.
        var version = 1;
        var header = PadHeader(dictionary, prefixLength: 10);
        if (header.Length > ushort.MaxValue)
        {
            version = 2;
            header = PadHeader(dictionary, prefixLength: 12);
        }

        var prefixLength = version == 1 ? 10 : 12;

        Span<byte> preamble = stackalloc byte[12];
        Magic.CopyTo(preamble);
        preamble[6] = (byte)version;
        preamble[7] = 0;
        if (version == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(preamble[8..], (ushort)header.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(preamble[8..], (uint)header.Length);
        }

        stream.Write(preamble[..prefixLength]);
        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(bytes);
    }

    private static string PadHeader(string dictionary, int prefixLength)
    {
        var total = (prefixLength + dictionary.Length + 1 + Alignment - 1) / Alignment * Alignment;
        return dictionary.PadRight(total - prefixLength - 1) + "\n";
    }

    private static T[] ReadElements<T>(Stream stream, int count, string source, string what)
        where T : unmanaged
    {
        var data = GC.AllocateUninitializedArray<T>(count);
        var bytes = MemoryMarshal.AsBytes(data.AsSpan());
        var found = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (found < bytes.Length)
        {
            throw new DataFormatException(source, $"truncated: header says {what}, found {found}.", null);
        }

        return data;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string source, string what)
    {
        var found = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (found < buffer.Length)
        {
            throw new DataFormatException(source, $"truncated: expected {what}, found {found} of {buffer.Length} bytes.", null);
        }
    }

    private static void EnsureLittleEndianHost()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException(".npy files are read and written only on little-endian machines.");
        }
    }
}
