using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using MultiTeacher.Core.Data;

namespace MultiTeacher.Core.Checkpoints;

/// <summary>Parses and validates safetensors bytes; every error names the source, the expectation and the finding.</summary>
internal static class SafetensorsReader
{
    private static readonly Dictionary<string, int> s_dtypeSizes = new(StringComparer.Ordinal)
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2, ["F8_E4M3"] = 1, ["F8_E5M2"] = 1,
        ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1,
        ["U64"] = 8, ["U32"] = 4, ["U16"] = 2, ["U8"] = 1, ["BOOL"] = 1,
    };

    private sealed record Entry(string Name, string DType, int[] Shape, long Begin, long End);

    public static SafetensorsFile Read(ReadOnlySpan<byte> bytes, string source)
    {
        Safetensors.EnsureLittleEndianHost();
        if (bytes.Length < 8)
        {
            throw Error(source, $"truncated: expected at least 8 bytes (the header length), found {bytes.Length}.");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8) && LooksLikeText(bytes[..8]) && (bytes.Length == 8 || bytes[8] != (byte)'{'))
        {
            // A length this large made of printable characters: a text file (or anything else), not a truncated one.
            var start = Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 24)]).Split('\n')[0];
            throw Error(source, $"not a safetensors file: it starts with the text \"{start}\", where a safetensors file starts with an 8-byte " +
                "little-endian header length and a JSON header ('{' at byte 8).");
        }

        if (headerLength > (ulong)(bytes.Length - 8))
        {
            throw Error(source, $"truncated or corrupt: the header length says {headerLength} bytes, but only {bytes.Length - 8} bytes follow it (file size {bytes.Length}).");
        }

        if (headerLength > Safetensors.MaxHeaderLength)
        {
            throw Error(source, $"header length {headerLength} exceeds the {Safetensors.MaxHeaderLength}-byte limit.");
        }

        var header = bytes.Slice(8, (int)headerLength);
        var data = bytes[(8 + (int)headerLength)..];
        var (entries, metadata) = ParseHeader(header, source);
        CheckLayout(entries, data.Length, source);

        var tensors = new List<SafetensorsTensor>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.DType != "F32")
            {
                throw Error(source, $"tensor '{entry.Name}' has dtype {entry.DType}; only F32 tensors are supported (convert with tensor.float() before saving).");
            }

            var values = GC.AllocateUninitializedArray<float>((int)((entry.End - entry.Begin) / sizeof(float)));
            data[(int)entry.Begin..(int)entry.End].CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
            tensors.Add(new SafetensorsTensor(entry.Name, entry.Shape, values));
        }

        return new SafetensorsFile(source, tensors, metadata);
    }

    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(ReadOnlySpan<byte> header, string source)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(header);
            document = JsonDocument.ParseValue(ref reader);
            if (reader.BytesConsumed < header.Length && header[(int)reader.BytesConsumed..].IndexOfAnyExcept(" \t\n\r"u8) >= 0)
            {
                throw Error(source, $"header JSON ends at byte {reader.BytesConsumed}, expected only space padding after it until byte {header.Length}.");
            }
        }
        catch (JsonException e)
        {
            throw new DataFormatException(source, $"header is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error(source, $"header must be a JSON object, found {root.ValueKind}.");
            }

            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw Error(source, $"header names '{property.Name}' twice.");
                }

                if (property.Name == Safetensors.MetadataKey)
                {
                    ReadMetadata(property.Value, metadata, source);
                }
                else
                {
                    entries.Add(ReadEntry(property.Name, property.Value, source));
                }
            }

            return (entries, metadata);
        }
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata, string source)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error(source, $"'{Safetensors.MetadataKey}' must be an object of strings, found {element.ValueKind}.");
        }

        foreach (var item in element.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw Error(source, $"metadata '{item.Name}' must be a string, found {item.Value.ValueKind} {item.Value.GetRawText()}.");
            }

            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static Entry ReadEntry(string name, JsonElement element, string source)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error(source, $"tensor '{name}' must be an object with dtype, shape and data_offsets, found {element.ValueKind}.");
        }

        if (!element.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw Error(source, $"tensor '{name}' needs a string 'dtype', found {Show(element, "dtype")}.");
        }

        var dtype = dtypeElement.GetString()!;
        if (!s_dtypeSizes.TryGetValue(dtype, out var itemSize))
        {
            throw Error(source, $"tensor '{name}' has unknown dtype '{dtype}'; expected one of {string.Join(", ", s_dtypeSizes.Keys)}.");
        }

        var shape = ReadIntegers(element, "shape", name, source, int.MaxValue);
        var offsets = ReadIntegers(element, "data_offsets", name, source, long.MaxValue);
        if (offsets.Length != 2 || offsets[0] > offsets[1])
        {
            throw Error(source, $"tensor '{name}' needs data_offsets [begin, end] with begin <= end, found {element.GetProperty("data_offsets").GetRawText()}.");
        }

        var elements = 1L;
        foreach (var dimension in shape)
        {
            elements = dimension == 0 ? 0 : Math.Min(elements * dimension, (long)int.MaxValue + 1);
        }

        if (elements > int.MaxValue)
        {
            throw Error(source, $"tensor '{name}' of shape [{string.Join(", ", shape)}] has more than {int.MaxValue} elements.");
        }

        if (offsets[1] - offsets[0] != elements * itemSize)
        {
            throw Error(source, $"tensor '{name}': shape [{string.Join(", ", shape)}] of {dtype} needs {elements * itemSize} bytes, data_offsets [{offsets[0]}, {offsets[1]}] span {offsets[1] - offsets[0]}.");
        }

        return new Entry(name, dtype, Array.ConvertAll(shape, d => (int)d), offsets[0], offsets[1]);
    }

    private static long[] ReadIntegers(JsonElement element, string key, string name, string source, long max)
    {
        if (!element.TryGetProperty(key, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw Error(source, $"tensor '{name}' needs an array '{key}', found {Show(element, key)}.");
        }

        var values = new long[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out values[i]) || values[i] < 0 || values[i] > max)
            {
                throw Error(source, $"tensor '{name}': '{key}' must hold non-negative integers up to {max}, found {array.GetRawText()}.");
            }

            i++;
        }

        return values;
    }

    private static void CheckLayout(List<Entry> entries, int dataLength, string source)
    {
        // Sort by position: the tensors must tile the data buffer exactly, without gaps or overlaps.
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        Entry? previous = null;
        foreach (var entry in entries)
        {
            if (entry.End > dataLength)
            {
                throw Error(source, $"tensor '{entry.Name}': data_offsets [{entry.Begin}, {entry.End}] exceed the {dataLength}-byte data buffer (file truncated?).");
            }

            if (entry.Begin != expected)
            {
                var problem = entry.Begin < expected ? $"overlaps tensor '{previous!.Name}' [{previous.Begin}, {previous.End}]" : $"leaves a gap after byte {expected}";
                throw Error(source, $"tensor '{entry.Name}': data_offsets [{entry.Begin}, {entry.End}] {problem}; expected it to start at byte {expected}.");
            }

            expected = entry.End;
            previous = entry;
        }

        if (expected != dataLength)
        {
            throw Error(source, $"the tensors cover {expected} bytes of data, but the data buffer holds {dataLength} bytes.");
        }
    }

    private static bool LooksLikeText(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is < 0x20 or > 0x7e && b is not ((byte)'\n' or (byte)'\r' or (byte)'\t'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Show(JsonElement element, string key) =>
        element.TryGetProperty(key, out var value) ? value.GetRawText() : "nothing";

    private static DataFormatException Error(string source, string problem) => new(source, problem, null);
}
