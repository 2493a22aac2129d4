using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Tests.Data;

namespace MultiTeacher.Core.Tests.Checkpoints;

public sealed class SafetensorsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static SafetensorsTensor[] SampleTensors()
    {
        // Slices of one parameter blob, the way models hold them.
        var blob = Enumerable.Range(0, 17).Select(i => i * 0.25f - 2f).ToArray();
        return
        [
            new SafetensorsTensor("0.weight", [3, 4], blob.AsMemory(0, 12)),
            new SafetensorsTensor("0.bias", [3], blob.AsMemory(12, 3)),
            new SafetensorsTensor("scale", [], blob.AsMemory(15, 1)),
            new SafetensorsTensor("empty", [0, 2], ReadOnlyMemory<float>.Empty),
            new SafetensorsTensor("2.bias", [1], blob.AsMemory(16, 1)),
        ];
    }

    private static Dictionary<string, string> SampleMetadata() => new()
    {
        ["arch"] = "mlp:784-64-10?dropout=0.2",
        ["classes"] = "10",
        ["dataset"] = "fashion-mnist/train",
        ["note"] = "ünïcode \"quoted\"",
    };

    [Fact]
    public void Write_ThenRead_RoundTripsTensorsOrderAndMetadata()
    {
        var path = _temp.File("model.safetensors");
        var tensors = SampleTensors();

        Safetensors.Write(path, tensors, SampleMetadata());
        var file = Safetensors.Read(path);

        Assert.Equal(tensors.Select(t => t.Name), file.Tensors.Select(t => t.Name));
        foreach (var tensor in tensors)
        {
            Assert.Equal(tensor.Shape, file[tensor.Name].Shape);
            Assert.Equal(tensor.Data.ToArray(), file[tensor.Name].Data.ToArray());
        }

        Assert.Equal(SampleMetadata().OrderBy(p => p.Key), file.Metadata.OrderBy(p => p.Key));
        Assert.Equal(path, file.Source);
        Assert.Equal(["model.safetensors"], _temp.Entries());
    }

    [Fact]
    public void Write_Layout_FollowsTheSpecification()
    {
        using var stream = new MemoryStream();

        Safetensors.Write(stream, SampleTensors(), SampleMetadata());
        var bytes = stream.ToArray();

        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        Assert.Equal(8 + headerLength + 17 * sizeof(float), bytes.Length);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var weight = header.RootElement.GetProperty("0.weight");
        Assert.Equal("F32", weight.GetProperty("dtype").GetString());
        Assert.Equal("[3,4]", weight.GetProperty("shape").GetRawText());
        Assert.Equal("[0,48]", weight.GetProperty("data_offsets").GetRawText());
        Assert.Equal("10", header.RootElement.GetProperty("__metadata__").GetProperty("classes").GetString());
        Assert.Equal(-2f, BitConverter.ToSingle(bytes, 8 + headerLength));
    }

    [Fact]
    public void Write_MetadataInAnyOrder_IdenticalBytes()
    {
        using var a = new MemoryStream();
        using var b = new MemoryStream();

        Safetensors.Write(a, SampleTensors(), SampleMetadata());
        Safetensors.Write(b, SampleTensors(), SampleMetadata().Reverse().ToDictionary());

        Assert.Equal(a.ToArray(), b.ToArray());
    }

    [Fact]
    public void Write_DuplicateNames_RefusedAndNothingWritten()
    {
        var path = _temp.File("model.safetensors");
        SafetensorsTensor[] tensors = [new("w", [1], new float[1]), new("w", [1], new float[1])];

        var e = Assert.Throws<ArgumentException>(() => Safetensors.Write(path, tensors));

        Assert.Contains("Tensor name 'w' appears twice", e.Message, StringComparison.Ordinal);
        Assert.Empty(_temp.Entries());
    }

    [Fact]
    public void Tensor_ShapeDisagreesWithData_Refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new SafetensorsTensor("0.weight", [64, 784], new float[10]));

        Assert.Contains("Tensor '0.weight': shape [64, 784] holds 50176 elements, the data has 10", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SafetensorsTensor("__metadata__", [1], new float[1]));
    }

    [Fact]
    public void Read_FileFromPythonWriter_MatchesPyTorchStateDict()
    {
        var file = Safetensors.Read(TestPaths.Fixture("tiny_mlp.safetensors"));

        // The reference writer orders data by name, not by state_dict order.
        Assert.Equal(["0.bias", "0.weight", "2.bias", "2.weight"], file.Tensors.Select(t => t.Name));
        Assert.Equal([3, 4], file["0.weight"].Shape);
        Assert.Equal([2, 3], file["2.weight"].Shape);
        Assert.Equal(Npy.Read(TestPaths.Fixture("tiny_mlp_0_weight.npy")).AsFloat32(), file["0.weight"].Data.ToArray());
        Assert.Equal(Npy.Read(TestPaths.Fixture("tiny_mlp_2_bias.npy")).AsFloat32(), file["2.bias"].Data.ToArray());
        Assert.Equal("mlp:4-3-2", file.Metadata["arch"]);
        Assert.Equal("3", file.Metadata["seed"]);
    }

    [Fact]
    public void Indexer_UnknownName_ListsTensorsPresent()
    {
        var file = Safetensors.Read(TestPaths.Fixture("tiny_mlp.safetensors"));

        var e = Assert.Throws<KeyNotFoundException>(() => file["1.weight"]);

        Assert.Contains("no tensor '1.weight'; the file holds 0.bias [3], 0.weight [3, 4]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedFile_SaysDataBufferTooShort()
    {
        var bytes = File.ReadAllBytes(TestPaths.Fixture("tiny_mlp.safetensors"));
        var path = _temp.File("cut.safetensors");
        File.WriteAllBytes(path, bytes[..^4]);

        var e = Assert.Throws<DataFormatException>(() => Safetensors.Read(path));

        Assert.StartsWith(path + ": tensor '2.weight': data_offsets [68, 92] exceed the 88-byte data buffer", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "truncated: expected at least 8 bytes (the header length), found 3")]
    [InlineData(new byte[] { 200, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}' }, "the header length says 200 bytes, but only 2 bytes follow it (file size 10)")]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, "the header length says 18446744073709551615 bytes, but only 0 bytes follow it")]
    public void Read_BadHeaderLength_SaysExpectedAndFound(byte[] bytes, string expected)
    {
        var e = Assert.Throws<DataFormatException>(() => Safetensors.Read(bytes, "bad.safetensors"));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("bad.safetensors: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F32\"", 0, "header is not valid JSON")]
    [InlineData("[1,2]", 0, "header must be a JSON object, found Array")]
    [InlineData("{} {}", 0, "expected only space padding after it")]
    [InlineData("{\"__metadata__\":{\"epochs\":5}}", 0, "metadata 'epochs' must be a string, found Number 5")]
    [InlineData("{\"__metadata__\":[]}", 0, "'__metadata__' must be an object of strings, found Array")]
    [InlineData("{\"w\":{\"dtype\":\"F99\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "tensor 'w' has unknown dtype 'F99'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "tensor 'w' needs an array 'data_offsets', found nothing")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "'shape' must hold non-negative integers")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4, "needs data_offsets [begin, end] with begin <= end, found [4,0]")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", 12, "tensor 'w': shape [2, 2] of F32 needs 16 bytes, data_offsets [0, 12] span 12")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "data_offsets [0, 8] exceed the 4-byte data buffer")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "tensor 'b': data_offsets [4, 8] overlaps tensor 'a' [0, 8]; expected it to start at byte 8")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "tensor 'a': data_offsets [4, 8] leaves a gap after byte 0; expected it to start at byte 0")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 12, "the tensors cover 4 bytes of data, but the data buffer holds 12 bytes")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "header names 'a' twice")]
    [InlineData("{\"steps\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}", 8, "tensor 'steps' has dtype I64; only F32 tensors are supported")]
    public void Read_CorruptHeader_NamesFileExpectedAndFound(string header, int dataLength, string expected)
    {
        var path = _temp.File("bad.safetensors");
        File.WriteAllBytes(path, Build(header, dataLength));

        var e = Assert.Throws<DataFormatException>(() => Safetensors.Read(path));

        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderWithoutMetadata_GivesEmptyMetadata()
    {
        var file = Safetensors.Read(Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "ok");

        Assert.Empty(file.Metadata);
        Assert.Equal([0f], file["w"].Data.ToArray());
    }

    private static byte[] Build(string header, int dataLength)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataLength];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }
}
