using System.Text;
using MultiTeacher.Core.Data;

namespace MultiTeacher.Core.Tests.Data;

public sealed class NpyTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Write_Float32_RoundTripsShapeAndValues()
    {
        var path = _temp.File("logits.npy");
        float[] values = [.. Enumerable.Range(0, 24).Select(i => i * 0.37f - 3f)];
        values[5] = float.NaN;
        values[6] = float.NegativeInfinity;

        Npy.Write(path, values, 2, 3, 4);
        var array = Npy.Read(path);

        Assert.Equal(NpyDType.Float32, array.DType);
        Assert.Equal([2, 3, 4], array.Shape);
        Assert.Equal(values, array.AsFloat32());
        Assert.Equal(["logits.npy"], _temp.Entries());
    }

    [Fact]
    public void Write_UInt8_RoundTrips()
    {
        var path = _temp.File("pixels.npy");
        byte[] values = [0, 1, 128, 255, 7, 9];

        Npy.Write(path, values, 3, 2);
        var array = Npy.Read(path);

        Assert.Equal(NpyDType.UInt8, array.DType);
        Assert.Equal("|u1", array.Descr);
        Assert.Equal([3, 2], array.Shape);
        Assert.Equal(values, array.AsUInt8());
    }

    [Fact]
    public void Write_Int64_RoundTrips()
    {
        var path = _temp.File("labels.npy");
        long[] values = [long.MinValue, -1, 0, long.MaxValue, 9];

        Npy.Write(path, values, 5);
        var array = Npy.Read(path);

        Assert.Equal(NpyDType.Int64, array.DType);
        Assert.Equal([5], array.Shape);
        Assert.Equal(values, array.AsInt64());
    }

    [Theory]
    [InlineData(new int[0], 1)]
    [InlineData(new[] { 0, 3 }, 0)]
    public void Write_ScalarAndEmpty_RoundTrip(int[] shape, int length)
    {
        var path = _temp.File("odd.npy");

        Npy.Write(path, NpyArray.FromFloat32(new float[length], shape));

        Assert.Equal(shape, Npy.Read(path).Shape);
    }

    [Fact]
    public void Write_Float32_SameBytesAsNumPy()
    {
        var path = _temp.File("f4_2x3.npy");

        Npy.Write(path, new float[] { -1f, -0.5f, 0f, 0.5f, 1f, 1.5f }, 2, 3);

        Assert.Equal(File.ReadAllBytes(TestPaths.Fixture("f4_2x3.npy")), File.ReadAllBytes(path));
    }

    [Fact]
    public void Write_HeaderTooLongForVersion1_UsesVersion2()
    {
        var path = _temp.File("wide.npy");
        var shape = Enumerable.Repeat(1, 25_000).ToArray();

        Npy.Write(path, new float[] { 2.5f }, shape);

        var bytes = File.ReadAllBytes(path);
        Assert.Equal(2, bytes[6]);
        Assert.Equal(0, (bytes.Length - sizeof(float)) % 64);
        Assert.Equal(shape, Npy.Read(path).Shape);
    }

    [Fact]
    public void Write_ShapeDisagreesWithData_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Npy.Write(_temp.File("x.npy"), new float[5], 2, 3));

        Assert.Contains("Shape (2, 3) holds 6 elements, the data has 5", e.Message, StringComparison.Ordinal);
        Assert.Empty(_temp.Entries());
    }

    [Fact]
    public void Read_NumPyFixtures_MatchTheValuesNumPyWrote()
    {
        Assert.Equal([-1f, -0.5f, 0f, 0.5f, 1f, 1.5f], Npy.Read(TestPaths.Fixture("f4_2x3.npy")).AsFloat32());
        Assert.Equal([0, 1, 127, 255], Npy.Read(TestPaths.Fixture("u1_4.npy")).AsUInt8());
        Assert.Equal([-1L, 0L, 1L << 40], Npy.Read(TestPaths.Fixture("i8_3.npy")).AsInt64());
        var scalar = Npy.Read(TestPaths.Fixture("f4_scalar.npy"));
        Assert.Empty(scalar.Shape);
        Assert.Equal([3.25f], scalar.AsFloat32());
    }

    [Fact]
    public void Read_Int32Fixture_WidensToInt64AndKeepsDescr()
    {
        var array = Npy.Read(TestPaths.Fixture("i4_2x2.npy"));

        Assert.Equal(NpyDType.Int64, array.DType);
        Assert.Equal("<i4", array.Descr);
        Assert.Equal([2, 2], array.Shape);
        Assert.Equal([1L, -2L, 3L, int.MaxValue], array.AsInt64());
    }

    [Theory]
    [InlineData("f4_v2.npy")]
    [InlineData("f4_v3.npy")]
    public void Read_FormatVersions2And3_Supported(string name)
    {
        Assert.Equal([0.25f, -8f, 3.5f], Npy.Read(TestPaths.Fixture(name)).AsFloat32());
    }

    [Fact]
    public void Read_FortranOrder_RefusedWithAdvice()
    {
        var e = Assert.Throws<DataFormatException>(() => Npy.Read(TestPaths.Fixture("f4_fortran.npy")));

        Assert.Contains("f4_fortran.npy: array of shape (2, 3) is stored in Fortran (column-major) order; expected C order", e.Message, StringComparison.Ordinal);
        Assert.Contains("np.ascontiguousarray", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Float64_RefusedNamingTheDType()
    {
        var e = Assert.Throws<DataFormatException>(() => Npy.Read(TestPaths.Fixture("f8_2.npy")));

        Assert.Contains("unsupported dtype '<f8'; expected '<f4', '|u1', '<i8' or '<i4'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AsInt64_OnFloatArray_NamesFileAndDType()
    {
        var array = Npy.Read(TestPaths.Fixture("f4_2x3.npy"));

        var e = Assert.Throws<InvalidOperationException>(array.AsInt64);

        Assert.Contains("f4_2x3.npy: the array has dtype <f4 (Float32), not Int64; use AsFloat32()", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedData_SaysExpectedAndFoundBytes()
    {
        var path = Corrupt(bytes => bytes[..^5]);

        var e = Assert.Throws<DataFormatException>(() => Npy.Read(path));

        Assert.Equal($"{path}: truncated: header says shape (2, 3) of <f4 = 24 bytes of data, found 19.", e.Message);
    }

    [Fact]
    public void Read_TruncatedHeader_SaysSo()
    {
        var path = Corrupt(bytes => bytes[..40]);

        var e = Assert.Throws<DataFormatException>(() => Npy.Read(path));

        Assert.Contains("truncated: expected a 118-byte header, found 30 of 118 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WrongMagic_ShowsFoundBytes()
    {
        var path = Corrupt(bytes => [.. "PK\x03\x04zz"u8, .. bytes[6..]]);

        var e = Assert.Throws<DataFormatException>(() => Npy.Read(path));

        Assert.Contains("not a .npy file: expected magic bytes 93 4E 55 4D 50 59 (\\x93NUMPY), found 504B03047A7A", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownVersion_Refused()
    {
        var path = Corrupt(bytes => { bytes[6] = 4; return bytes; });

        var e = Assert.Throws<DataFormatException>(() => Npy.Read(path));

        Assert.Contains("unsupported .npy format version 4.0; expected 1.0, 2.0 or 3.0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MalformedHeader_QuotesIt()
    {
        var path = Corrupt(bytes => Replace(bytes, "'shape': (2, 3)", "'shape': (2; 3)"));

        var e = Assert.Throws<DataFormatException>(() => Npy.Read(path));

        Assert.Contains("malformed header", e.Message, StringComparison.Ordinal);
        Assert.Contains("'shape': (2; 3)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderWithoutShape_NamesMissingKey()
    {
        var path = Corrupt(bytes => Replace(bytes, "'shape'", "'shope'"));

        var e = Assert.Throws<DataFormatException>(() => Npy.Read(path));

        Assert.Contains("header lacks the key 'shape'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BigEndian_RefusedWithAdvice()
    {
        var path = Corrupt(bytes => Replace(bytes, "'<f4'", "'>f4'"));

        var e = Assert.Throws<DataFormatException>(() => Npy.Read(path));

        Assert.Contains("dtype '>f4' is big-endian", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TrailingBytes_Refused()
    {
        var path = Corrupt(bytes => [.. bytes, 1, 2, 3]);

        var e = Assert.Throws<DataFormatException>(() => Npy.Read(path));

        Assert.Contains("expected the file to end after the data at byte 152, found 3 more bytes", e.Message, StringComparison.Ordinal);
    }

    private string Corrupt(Func<byte[], byte[]> change)
    {
        var path = _temp.File("corrupt.npy");
        File.WriteAllBytes(path, change(File.ReadAllBytes(TestPaths.Fixture("f4_2x3.npy"))));
        return path;
    }

    private static byte[] Replace(byte[] bytes, string from, string to)
    {
        Assert.Equal(from.Length, to.Length);
        var text = Encoding.Latin1.GetString(bytes);
        Assert.Contains(from, text, StringComparison.Ordinal);
        return Encoding.Latin1.GetBytes(text.Replace(from, to, StringComparison.Ordinal));
    }
}
