using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using MultiTeacher.Core.Data;

namespace MultiTeacher.Core.Checkpoints;

/// <summary>
/// Reads and writes safetensors files, the weight format of the PyTorch and Hugging Face world: an 8-byte
/// little-endian header length N, N bytes of JSON header (each tensor's <c>dtype</c>, <c>shape</c> and
/// <c>data_offsets</c>, plus string-valued <c>__metadata__</c>) padded with spaces to a multiple of 8, then the raw
/// little-endian tensor data. Float32 (<c>F32</c>) tensors are supported; files are written atomically.
/// </summary>
public static class Safetensors
{
    /// <summary>The header key holding the string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The largest header accepted, as in the reference implementation (100 MB).</summary>
    public const int MaxHeaderLength = 100_000_000;

    private static readonly JsonWriterOptions s_jsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Writes <paramref name="tensors"/> (data in the given order) and <paramref name="metadata"/> (keys sorted, so
    /// equal inputs give identical files) to <paramref name="path"/> atomically: temporary file, fsync, rename.
    /// </summary>
    /// <exception cref="ArgumentException">Two tensors share a name.</exception>
    public static void Write(string path, IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = BuildHeader(tensors, metadata);
        AtomicFile.Write(path, stream => WriteCore(stream, header, tensors));
    }

    /// <summary>Writes a safetensors file to <paramref name="stream"/>; see <see cref="Write(string, IReadOnlyList{SafetensorsTensor}, IReadOnlyDictionary{string, string}?)"/>.</summary>
    /// <exception cref="ArgumentException">Two tensors share a name.</exception>
    public static void Write(Stream stream, IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WriteCore(stream, BuildHeader(tensors, metadata), tensors);
    }

    /// <summary>Reads and validates a safetensors file.</summary>
    /// <exception cref="DataFormatException">
    /// The file is truncated or corrupt (header length, JSON, offsets, sizes), or holds a tensor of a dtype other than F32.
    /// The message names the file, what was expected and what was found.
    /// </exception>
    public static SafetensorsFile Read(string path) => Read(File.ReadAllBytes(path), path);

    /// <summary>Reads and validates safetensors bytes; <paramref name="source"/> names them in errors.</summary>
    /// <exception cref="DataFormatException">The bytes are not a valid safetensors file of F32 tensors.</exception>
    public static SafetensorsFile Read(ReadOnlySpan<byte> bytes, string source) => SafetensorsReader.Read(bytes, source);

    private static byte[] BuildHeader(IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        EnsureLittleEndianHost();
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, s_jsonOptions))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var tensor in tensors)
            {
                if (!names.Add(tensor.Name))
                {
                    throw new ArgumentException($"Tensor name '{tensor.Name}' appears twice.", nameof(tensors));
                }

                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (var dimension in tensor.Shape)
                {
                    json.WriteNumberValue(dimension);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += (long)tensor.Length * sizeof(float);
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        // Pad with spaces so the data starts 8-byte aligned (the 8-byte length prefix keeps that alignment).
        var length = (int)buffer.Length;
        var padded = (length + 7) / 8 * 8;
        for (var i = length; i < padded; i++)
        {
            buffer.WriteByte((byte)' ');
        }

        return buffer.ToArray();
    }

    private static void WriteCore(Stream stream, byte[] header, IReadOnlyList<SafetensorsTensor> tensors)
    {
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var tensor in tensors)
        {
            stream.Write(MemoryMarshal.AsBytes(tensor.Data.Span));
        }
    }

    internal static void EnsureLittleEndianHost()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors files are read and written only on little-endian machines.");
        }
    }
}
