using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using MultiTeacher.Core.Data;

namespace MultiTeacher.Core.Teachers;

/// <summary>
/// Tells a teacher file's format from its first bytes, whatever its extension: a zip (<c>PK\x03\x04</c>) is
/// TorchScript, 8 bytes of header length followed by <c>{</c> is safetensors, a protobuf starting with
/// <c>ir_version</c> (tag <c>0x08</c>) is ONNX. A file that is none of them, or a torch.save state_dict or pickle,
/// is refused with a message saying what was found and what to do.
/// </summary>
public static class TeacherFileFormat
{
    /// <summary>The format of the file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="DataFormatException">The file is of no teacher format, or a zip that is not TorchScript.</exception>
    public static TeacherFormat Detect(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"teacher file {path} does not exist", path);
        }

        Span<byte> head = stackalloc byte[16];
        long length;
        using (var stream = File.OpenRead(path))
        {
            length = stream.Length;
            head = head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        }

        if (head.Length >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
        {
            CheckTorchScriptZip(path);
            return TeacherFormat.TorchScript;
        }

        if (head.Length >= 9 && head[8] == (byte)'{' && BinaryPrimitives.ReadUInt64LittleEndian(head) is var header && header + 8 <= (ulong)length)
        {
            return TeacherFormat.Safetensors;
        }

        if (head.Length >= 2 && head[0] == 0x08)
        {
            return TeacherFormat.Onnx;
        }

        if (head.Length >= 2 && head[0] == 0x80 && head[1] <= 5)
        {
            throw new DataFormatException(path,
                "a legacy torch.save pickle, not a teacher: save the module with torch.jit.save(torch.jit.script(model), path) (TorchScript) or export it with torch.onnx.export", null);
        }

        throw new DataFormatException(path,
            $"not a teacher file: expected TorchScript (a zip from torch.jit.save), ONNX (a ModelProto from torch.onnx.export) or safetensors, found first bytes {Convert.ToHexString(head[..Math.Min(8, head.Length)])} of {length}", null);
    }

    /// <summary>Checks that a zip is a whole TorchScript archive: readable, every entry's CRC-32 right, with code/ and constants.pkl.</summary>
    private static void CheckTorchScriptZip(string path)
    {
        List<string> names;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            names = zip.Entries.Select(e => e.FullName).ToList();
            foreach (var entry in zip.Entries)
            {
                // LibTorch's reader does not check the entries' CRC-32 and would load damaged weights silently.
                var crc = new Crc32();
                using (var content = entry.Open())
                {
                    crc.Append(content);
                }

                if (crc.GetCurrentHashAsUInt32() != entry.Crc32)
                {
                    throw new DataFormatException(path,
                        $"corrupt or truncated TorchScript file: entry {entry.FullName} has CRC-32 {crc.GetCurrentHashAsUInt32():x8}, the zip says {entry.Crc32:x8}", null);
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"corrupt or truncated TorchScript file: the zip cannot be read ({e.Message})", e);
        }

        var hasCode = names.Any(n => n.Contains("/code/", StringComparison.Ordinal));
        var hasConstants = names.Any(n => n.EndsWith("constants.pkl", StringComparison.Ordinal));
        if (hasCode && hasConstants)
        {
            return;
        }

        if (names.Any(n => n.EndsWith("data.pkl", StringComparison.Ordinal)))
        {
            throw new DataFormatException(path,
                "a torch.save file (weights only, no code), not TorchScript: save the module with torch.jit.save(torch.jit.script(model), path), " +
                "or, for a state_dict of one of our architectures, convert it with `mt eval --model FILE --arch ARCH`", null);
        }

        throw new DataFormatException(path,
            $"a zip but not TorchScript: expected entries code/ and constants.pkl, found [{string.Join(", ", names.Take(6))}{(names.Count > 6 ? ", ..." : "")}]", null);
    }
}
