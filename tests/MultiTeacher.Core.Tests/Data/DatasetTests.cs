using MultiTeacher.Core.Data;

namespace MultiTeacher.Core.Tests.Data;

public sealed class DatasetTests
{
    // Row r holds features [10r, 10r + 1, 10r + 2, 10r + 3] and label r % 3.
    private static Dataset Sample(int count = 5) => new(
        "sample",
        [.. Enumerable.Range(0, count * 4).Select(i => (float)(i / 4 * 10 + i % 4))],
        [.. Enumerable.Range(0, count).Select(r => r % 3)],
        3,
        [2, 2]);

    [Fact]
    public void Constructor_ValidData_ComputesCountAndFeatures()
    {
        var dataset = Sample();

        Assert.Equal(5, dataset.Count);
        Assert.Equal(4, dataset.Features);
        Assert.Equal([40f, 41f, 42f, 43f], dataset.Row(4).ToArray());
    }

    [Fact]
    public void Constructor_LabelOutsideRange_NamesDatasetRowAndLabel()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset("toy", new float[8], [0, 3], 3, [4]));

        Assert.Contains("Dataset toy: row 1 has label 3, outside the class range [0, 3)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NegativeLabel_Refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset("toy", new float[8], [-1, 0], 3, [4]));

        Assert.Contains("row 0 has label -1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InputLengthMismatch_SaysExpectedAndFound()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset("toy", new float[7], [0, 1], 3, [4]));

        Assert.Contains("expected 2 rows × 4 features = 8 inputs, found 7", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_BadShapeOrClasses_Refused()
    {
        Assert.Throws<ArgumentException>(() => new Dataset("toy", [], [], 3, [0, 4]));
        Assert.Throws<ArgumentException>(() => new Dataset("toy", [], [], 3, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset("toy", [], [], 0, [4]));
    }

    [Fact]
    public void GatherRows_GivenOrder_CopiesRowsAndLabels()
    {
        var dataset = Sample();
        var inputs = new float[8];
        var labels = new int[2];

        dataset.GatherRows([4, 1], inputs, labels);

        Assert.Equal([40f, 41f, 42f, 43f, 10f, 11f, 12f, 13f], inputs);
        Assert.Equal([1, 1], labels);
    }

    [Fact]
    public void GatherRows_RowOutOfRange_Throws()
    {
        var dataset = Sample();

        Assert.Throws<ArgumentOutOfRangeException>(() => dataset.GatherRows([5], new float[4], new int[1]));
    }

    [Fact]
    public void GatherRows_BufferTooSmall_Throws()
    {
        var dataset = Sample();

        Assert.Throws<ArgumentException>(() => dataset.GatherRows([0, 1], new float[7], new int[2]));
        Assert.Throws<ArgumentException>(() => dataset.GatherRows([0, 1], new float[8], new int[1]));
    }

    [Fact]
    public void Slice_MiddleRows_CopiesThemWithShape()
    {
        var slice = Sample().Slice(1, 2);

        Assert.Equal(2, slice.Count);
        Assert.Equal([10f, 11f, 12f, 13f, 20f, 21f, 22f, 23f], slice.Inputs);
        Assert.Equal([1, 2], slice.Labels);
        Assert.Equal([2, 2], slice.SampleShape);
        Assert.Equal("sample[1..3)", slice.Name);
    }

    [Fact]
    public void Slice_PastTheEnd_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Sample().Slice(4, 2));
    }

    [Fact]
    public void Subset_Rows_KeepsGivenOrder()
    {
        var subset = Sample().Subset([3, 0, 3]);

        Assert.Equal([0, 0, 0], subset.Labels);
        Assert.Equal(30f, subset.Inputs[0]);
        Assert.Equal(0f, subset.Inputs[4]);
        Assert.Equal(30f, subset.Inputs[8]);
    }
}
