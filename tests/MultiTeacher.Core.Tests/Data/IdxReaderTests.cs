using System.IO.Compression;
using MultiTeacher.Core.Data;

namespace MultiTeacher.Core.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadImages_ValidFile_ReturnsDimensionsAndPayload(bool gzip)
    {
        var path = _temp.File("images");
        IdxFiles.Write(path, IdxFiles.Encode(0x803, [2, 2, 3], [.. Enumerable.Range(0, 12).Select(i => (byte)(i * 20))]), gzip);

        var array = IdxReader.ReadImages(path);

        Assert.Equal([2, 2, 3], array.Dimensions);
        Assert.Equal(2, array.Count);
        Assert.Equal(IdxReader.ImagesMagic, array.Magic);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (byte)(i * 20)), array.Data);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadImages_TruncatedPayload_NamesFileExpectedAndFound(bool gzip)
    {
        var path = _temp.File("train-images-idx3-ubyte.gz");
        IdxFiles.Write(path, IdxFiles.Encode(0x803, [2, 2, 3], new byte[7]), gzip);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated: header says 2×2×3 = 12 bytes, found 7", e.Message, StringComparison.Ordinal);
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void ReadImages_GzipStreamCutShort_ReportsTruncatedOrCorrupt()
    {
        var whole = _temp.File("whole.gz");
        IdxFiles.Write(whole, IdxFiles.Encode(0x803, [10, 28, 28], [.. Enumerable.Range(0, 7840).Select(i => (byte)(i * 7919 % 251))]), gzip: true);
        var bytes = File.ReadAllBytes(whole);
        var cut = _temp.File("cut.gz");
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(cut));

        Assert.StartsWith(cut, e.Message, StringComparison.Ordinal);
        Assert.Matches("truncated|corrupt", e.Message);
    }

    [Fact]
    public void ReadImages_CorruptGzip_NamesFile()
    {
        var path = _temp.File("corrupt.gz");
        File.WriteAllBytes(path, [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03, 0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x37]);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Matches("corrupt gzip|truncated", e.Message);
    }

    [Fact]
    public void ReadImages_LabelFile_RefusesWrongMagicNamingBoth()
    {
        var path = _temp.File("labels");
        IdxFiles.Write(path, IdxFiles.Encode(0x801, [3], [1, 2, 3]), gzip: false);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        Assert.Contains("expected IDX magic number 0x00000803 (unsigned bytes, 3 dimensions), found 0x00000801 (unsigned bytes, 1 dimension)", e.Message, StringComparison.Ordinal);
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadLabels_TextFile_SaysNotAnIdxHeader()
    {
        var path = _temp.File("notes.txt");
        File.WriteAllText(path, "hello, world");

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));

        Assert.Contains("found 0x68656c6c (not an IDX header)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadLabels_HeaderCutInDimensions_ReportsTruncated()
    {
        var path = _temp.File("labels");
        File.WriteAllBytes(path, [0, 0, 8, 1, 0, 0]);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));

        Assert.Contains("truncated: expected 1 dimension sizes in the header", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadLabels_EmptyFile_ReportsTruncatedMagic()
    {
        var path = _temp.File("empty");
        File.WriteAllBytes(path, []);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));

        Assert.Contains("expected a 4-byte IDX magic number, found 0 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadLabels_TrailingBytes_Refused()
    {
        var path = _temp.File("labels");
        IdxFiles.Write(path, IdxFiles.Encode(0x801, [3], [1, 2, 3, 4, 5]), gzip: false);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));

        Assert.Contains("header says 3 = 3 bytes, found 5 (trailing data)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadLabels_NegativeDimension_Refused()
    {
        var path = _temp.File("labels");
        IdxFiles.Write(path, IdxFiles.Encode(0x801, [-3], []), gzip: false);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));

        Assert.Contains("dimension 0 is -3; expected a non-negative size", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadLabels_GzipWithHeaderOnly_DetectedByMagicNotExtension()
    {
        var path = _temp.File("labels.raw");
        using (var file = File.Create(path))
        using (var zip = new GZipStream(file, CompressionLevel.Optimal))
        {
            zip.Write(IdxFiles.Encode(0x801, [2], [4, 5]));
        }

        Assert.Equal([4, 5], IdxReader.ReadLabels(path).Data);
    }
}
