using MultiTeacher.Core.Data;

namespace MultiTeacher.Core.Teachers;

/// <summary>
/// Walks the top-level fields of an ONNX file (protobuf <c>ModelProto</c>) before ONNX Runtime sees it: every field
/// must be a valid tag whose length stays inside the file, and a graph (field 7) must be there. A truncated or
/// corrupt file is refused here with the byte where it breaks, instead of by the runtime's parser.
/// </summary>
public static class OnnxFileCheck
{
    private const int GraphField = 7;

    /// <summary>Checks <paramref name="bytes"/>, the content of <paramref name="path"/>.</summary>
    /// <exception cref="DataFormatException">The bytes are not a whole ModelProto.</exception>
    public static void Check(string path, ReadOnlySpan<byte> bytes)
    {
        var position = 0;
        var hasGraph = false;
        while (position < bytes.Length)
        {
            var start = position;
            var key = ReadVarint(path, bytes, ref position);
            var field = key >> 3;
            var wireType = (int)(key & 7);
            if (field is 0 or > 64)
            {
                throw Corrupt(path, $"field number {field} at byte {start} is not a ModelProto field");
            }

            switch (wireType)
            {
                case 0:
                    ReadVarint(path, bytes, ref position);
                    break;
                case 2:
                    var fieldLength = ReadVarint(path, bytes, ref position);
                    if (fieldLength > (ulong)(bytes.Length - position))
                    {
                        throw new DataFormatException(path,
                            $"truncated ONNX file: field {field} at byte {start} declares {fieldLength} bytes, only {bytes.Length - position} remain", null);
                    }

                    position += (int)fieldLength;
                    hasGraph |= field == GraphField;
                    break;
                case 5:
                    position += 4;
                    break;
                case 1:
                    position += 8;
                    break;
                default:
                    throw Corrupt(path, $"wire type {wireType} of field {field} at byte {start} is invalid");
            }

            if (position > bytes.Length)
            {
                throw new DataFormatException(path, $"truncated ONNX file: field {field} at byte {start} runs past the end ({bytes.Length} bytes)", null);
            }
        }

        if (!hasGraph)
        {
            throw Corrupt(path, "no graph (ModelProto field 7) in the file");
        }
    }

    private static ulong ReadVarint(string path, ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= bytes.Length)
            {
                throw new DataFormatException(path, $"truncated ONNX file: a number at byte {position} runs past the end ({bytes.Length} bytes)", null);
            }

            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Corrupt(path, $"a number at byte {position} is longer than 10 bytes");
    }

    private static DataFormatException Corrupt(string path, string problem) =>
        new(path, $"corrupt ONNX file (expected a protobuf ModelProto): {problem}", null);
}
