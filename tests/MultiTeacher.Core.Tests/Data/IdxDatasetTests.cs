using MultiTeacher.Core.Data;

namespace MultiTeacher.Core.Tests.Data;

public sealed class IdxDatasetTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Load_SmallSplit_ScalesPixelsLikeToTensorAndNamesSplit(bool gzip)
    {
        IdxFiles.WriteSplit(_temp.Path, "t10k", count: 3, gzip: gzip);

        var dataset = IdxDataset.Load(_temp.Path, "test", "tiny");

        Assert.Equal("tiny/test", dataset.Name);
        Assert.Equal(3, dataset.Count);
        Assert.Equal(6, dataset.Features);
        Assert.Equal([1, 2, 3], dataset.SampleShape);
        Assert.Equal(10, dataset.Classes);
        Assert.Equal([0, 1, 2], dataset.Labels);
        Assert.Equal(23 / 255f, dataset.Inputs[15]); // row 2, pixel 3
        Assert.Equal(0f, dataset.Inputs[0]);
    }

    [Fact]
    public void Load_ImagesAndLabelsDifferInCount_NamesBothFilesAndCounts()
    {
        IdxFiles.WriteSplit(_temp.Path, "train", count: 4, labelCount: 3);

        var e = Assert.Throws<DataFormatException>(() => IdxDataset.Load(_temp.Path, "train"));

        Assert.Contains(_temp.File("train-images-idx3-ubyte.gz") + " holds 4 images", e.Message, StringComparison.Ordinal);
        Assert.Contains(_temp.File("train-labels-idx1-ubyte.gz") + " holds 3 labels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LabelOutsideClassRange_NamesFileRowAndLabel()
    {
        IdxFiles.WriteSplit(_temp.Path, "train", count: 3, labels: [1, 12, 2]);

        var e = Assert.Throws<DataFormatException>(() => IdxDataset.Load(_temp.Path, "train"));

        Assert.StartsWith(_temp.File("train-labels-idx1-ubyte.gz"), e.Message, StringComparison.Ordinal);
        Assert.Contains("row 1 has label 12, outside the class range [0, 10)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingLabels_SaysWhatItLookedFor()
    {
        IdxFiles.WriteSplit(_temp.Path, "train", count: 3);
        File.Delete(_temp.File("train-labels-idx1-ubyte.gz"));

        var e = Assert.Throws<FileNotFoundException>(() => IdxDataset.Load(_temp.Path, "train"));

        Assert.Contains("train-labels-idx1-ubyte[.gz]", e.Message, StringComparison.Ordinal);
        Assert.Contains(_temp.Path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownSplit_ListsTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => IdxDataset.Load(_temp.Path, "validation"));

        Assert.Contains("Unknown split 'validation'; expected one of: train, test", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryFindFiles_DottedMnistNames_Found()
    {
        File.WriteAllBytes(_temp.File("train-images.idx3-ubyte"), []);
        File.WriteAllBytes(_temp.File("train-labels.idx1-ubyte"), []);

        Assert.True(IdxDataset.TryFindFiles(_temp.Path, "train", out var images, out var labels));
        Assert.Equal(_temp.File("train-images.idx3-ubyte"), images);
        Assert.Equal(_temp.File("train-labels.idx1-ubyte"), labels);
    }
}
