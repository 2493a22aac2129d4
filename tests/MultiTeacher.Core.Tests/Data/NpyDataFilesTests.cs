using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using TorchSharp;

namespace MultiTeacher.Core.Tests.Data;

public sealed class NpyDataFilesTests
{
    [Fact]
    public void LoadSplits_Uint8AndFloat32Inputs_ShapeAndClassesFromTheFiles()
    {
        using var dir = new TempDirectory();
        var files = Write(dir, trainLabels: [0, 4, 2], testLabels: [1, 6]);

        var (train, test) = files.LoadSplits();

        Assert.Equal([3, 4, 4], train.SampleShape);
        Assert.Equal(7, train.Classes);
        Assert.Equal(7, test.Classes);
        Assert.Equal(255 / 255f, train.Inputs[1]);
        Assert.Equal(10 / 255f, train.Inputs[2]);
        Assert.Equal(0.25f, test.Inputs[0]);
        Assert.StartsWith("tx-", train.Name, StringComparison.Ordinal);
        Assert.EndsWith("/train", train.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LabelCountDiffersFromRows_NamesBothFiles()
    {
        using var dir = new TempDirectory();
        var files = Write(dir, trainLabels: [0, 1], testLabels: [1, 2]);

        var error = Assert.Throws<DataFormatException>(() => files.Load("train"));

        Assert.Contains("2 labels for the 3 rows of", error.Message, StringComparison.Ordinal);
        Assert.Contains("ty.npy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NegativeLabel_Refused()
    {
        using var dir = new TempDirectory();
        var files = Write(dir, trainLabels: [0, 1, -3], testLabels: [1, 2]);

        var error = Assert.Throws<DataFormatException>(() => files.Load("train"));

        Assert.Contains("label -3 at row 2; expected a class index from 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FloatLabels_Refused()
    {
        using var dir = new TempDirectory();
        var files = Write(dir, trainLabels: [0, 1, 2], testLabels: [1, 2]);
        Npy.Write(files.TestY, new float[] { 1, 2 }, 2);

        var error = Assert.Throws<DataFormatException>(() => files.Load("test"));

        Assert.Contains("labels of dtype <f4; expected integers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadSplits_TrainAndTestSamplesDiffer_Refused()
    {
        using var dir = new TempDirectory();
        var files = Write(dir, trainLabels: [0, 1, 2], testLabels: [1, 2]);
        Npy.Write(files.TestX, new float[2 * 12], 2, 12);

        var error = Assert.Throws<DataFormatException>(() => files.LoadSplits());

        Assert.Contains("samples of shape (12,), but", error.Message, StringComparison.Ordinal);
        Assert.Contains("(3, 4, 4)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForData_CnnOn3x32x32With5Classes_BuildsAndRuns()
    {
        var arch = Architecture.ForData("cnn:8-16-32", [3, 32, 32], 5);
        using var model = Model.Create(arch, 1);
        using var scope = torch.NewDisposeScope();

        var logits = model.forward(torch.rand(2, 3 * 32 * 32));

        Assert.Equal("cnn:8-16-32?classes=5&input=3x32x32", arch.Text);
        Assert.Equal([2L, 5L], logits.shape);
        Assert.Equal(arch.Text, Architecture.ForData(arch.Text, [3, 32, 32], 5).Text);
        Assert.Equal("cnn:32-64-128", Architecture.ForData("cnn:32-64-128", [1, 28, 28], 10).Text);
    }

    [Theory]
    [InlineData(new[] { 192 }, "a cnn takes samples of shape (channels, height, width); the data's samples have shape (192)")]
    [InlineData(new[] { 3, 8, 8 }, "a cnn takes square images of at least 10x10")]
    [InlineData(new[] { 3, 16, 12 }, "got 16x12")]
    public void ForData_CnnOnDataItCannotTake_ClearError(int[] sampleShape, string expected)
    {
        var error = Assert.Throws<ArchitectureException>(() => Architecture.ForData("cnn:8-16-32", sampleShape, 5));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static NpyDataFiles Write(TempDirectory dir, long[] trainLabels, long[] testLabels)
    {
        var files = new NpyDataFiles(dir.File("tx.npy"), dir.File("ty.npy"), dir.File("sx.npy"), dir.File("sy.npy"));
        var train = new byte[3 * 48];
        train[1] = 255;
        train[2] = 10;
        Npy.Write(files.TrainX, train, 3, 3, 4, 4);
        Npy.Write(files.TrainY, trainLabels, trainLabels.Length);
        var test = new float[2 * 48];
        test[0] = 0.25f;
        Npy.Write(files.TestX, test, 2, 3, 4, 4);
        Npy.Write(files.TestY, testLabels, testLabels.Length);
        return files;
    }
}
