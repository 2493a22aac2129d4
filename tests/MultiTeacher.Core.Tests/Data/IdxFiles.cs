using System.Buffers.Binary;
using System.IO.Compression;

namespace MultiTeacher.Core.Tests.Data;

/// <summary>Writes small IDX files for tests.</summary>
internal static class IdxFiles
{
    public static byte[] Encode(int magic, int[] dimensions, byte[] payload)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (var i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dimensions[i]);
        }

        payload.CopyTo(bytes, 4 + 4 * dimensions.Length);
        return bytes;
    }

    public static void Write(string path, byte[] bytes, bool gzip)
    {
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return;
        }

        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(bytes);
    }

    /// <summary>Writes a split of <paramref name="count"/> 2×3 images whose pixel i of image r is r * 10 + i.</summary>
    public static void WriteSplit(string directory, string prefix, int count, byte[]? labels = null, int? labelCount = null, bool gzip = true)
    {
        var pixels = new byte[count * 6];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i / 6 * 10 + i % 6);
        }

        labels ??= Enumerable.Range(0, labelCount ?? count).Select(i => (byte)(i % 10)).ToArray();
        var suffix = gzip ? ".gz" : "";
        Write(Path.Combine(directory, $"{prefix}-images-idx3-ubyte{suffix}"), Encode(0x803, [count, 2, 3], pixels), gzip);
        Write(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte{suffix}"), Encode(0x801, [labels.Length], labels), gzip);
    }
}
