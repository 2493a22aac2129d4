namespace MultiTeacher.Core.Teachers;

/// <summary>
/// The number of weights of an ONNX model: the elements of its graph's initializers (ModelProto.graph = 7,
/// GraphProto.initializer = 5, TensorProto.dims = 1), read from the protobuf without a parser. 0 when the file does
/// not say (weights in Constant nodes) or cannot be read this way.
/// </summary>
internal static class OnnxParameterCount
{
    private const int GraphField = 7;
    private const int InitializerField = 5;
    private const int DimsField = 1;

    public static long Count(ReadOnlySpan<byte> model)
    {
        try
        {
            long total = 0;
            foreach (var (graphStart, graphLength) in Fields(model, GraphField))
            {
                foreach (var (start, length) in Fields(model.Slice(graphStart, graphLength), InitializerField))
                {
                    total += Elements(model.Slice(graphStart, graphLength).Slice(start, length));
                }
            }

            return total;
        }
        catch (FormatException)
        {
            return 0;
        }
    }

    /// <summary>The product of a TensorProto's dims, packed or not.</summary>
    private static long Elements(ReadOnlySpan<byte> tensor)
    {
        long product = 1;
        var position = 0;
        while (position < tensor.Length)
        {
            var key = Varint(tensor, ref position);
            var (field, wire) = (key >> 3, (int)(key & 7));
            if (field == DimsField && wire == 0)
            {
                product *= (long)Varint(tensor, ref position);
            }
            else if (field == DimsField && wire == 2)
            {
                var packed = (int)Varint(tensor, ref position);
                var end = position + packed;
                while (position < end)
                {
                    product *= (long)Varint(tensor, ref position);
                }
            }
            else
            {
                Skip(tensor, wire, ref position);
            }
        }

        return product;
    }

    /// <summary>Offsets and lengths of the length-delimited fields numbered <paramref name="wanted"/> of one message.</summary>
    private static List<(int Start, int Length)> Fields(ReadOnlySpan<byte> message, int wanted)
    {
        var found = new List<(int, int)>();
        var position = 0;
        while (position < message.Length)
        {
            var key = Varint(message, ref position);
            var (field, wire) = (key >> 3, (int)(key & 7));
            if (field == (ulong)wanted && wire == 2)
            {
                var length = (int)Varint(message, ref position);
                found.Add((position, length));
                position += length;
            }
            else
            {
                Skip(message, wire, ref position);
            }

            if (position > message.Length)
            {
                throw new FormatException("a field runs past its message");
            }
        }

        return found;
    }

    private static void Skip(ReadOnlySpan<byte> message, int wire, ref int position)
    {
        switch (wire)
        {
            case 0:
                Varint(message, ref position);
                break;
            case 1:
                position += 8;
                break;
            case 2:
                var length = (int)Varint(message, ref position);
                position += length;
                break;
            case 5:
                position += 4;
                break;
            default:
                throw new FormatException($"wire type {wire}");
        }
    }

    private static ulong Varint(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64 && position < bytes.Length; shift += 7)
        {
            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("a number runs past its message");
    }
}
