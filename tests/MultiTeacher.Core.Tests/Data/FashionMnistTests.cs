using MultiTeacher.Core.Data;

namespace MultiTeacher.Core.Tests.Data;

/// <summary>Loads the real Fashion-MNIST once (Debian's dataset-fashion-mnist, installed by ./mt test).</summary>
public sealed class FashionMnistFixture
{
    public FashionMnistFixture()
    {
        Train = DatasetCatalog.Load(null, "train", new DatasetLocator(_ => null, DatasetLocator.DefaultDirectory));
        Test = DatasetCatalog.Load(DatasetLocator.DefaultDirectory, "test");
    }

    public Dataset Train { get; }

    public Dataset Test { get; }
}

public sealed class FashionMnistTests(FashionMnistFixture fashion) : IClassFixture<FashionMnistFixture>
{
    [Fact]
    public void Load_Train_Has60000RowsOf784FeaturesAndTenClasses()
    {
        var train = fashion.Train;

        Assert.Equal("fashion-mnist/train", train.Name);
        Assert.Equal(60000, train.Count);
        Assert.Equal(784, train.Features);
        Assert.Equal([1, 28, 28], train.SampleShape);
        Assert.Equal(10, train.Classes);
        Assert.Equal(60000L * 784, train.Inputs.Length);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6000, train.Labels.Count(l => l == c)));
    }

    [Fact]
    public void Load_Test_Has10000RowsAndFirstLabelNine()
    {
        Assert.Equal("fashion-mnist/test", fashion.Test.Name);
        Assert.Equal(10000, fashion.Test.Count);
        Assert.Equal(784, fashion.Test.Features);
        Assert.Equal(9, fashion.Test.Labels[0]);
    }

    [Fact]
    public void Load_Train_FirstLabelsMatchNumPy()
    {
        // numpy: train labels begin 9 0 0 3 0 2 7 2 5 5 (ankle boot, T-shirt, ...).
        Assert.Equal(9, fashion.Train.Labels[0]);
        var expected = Npy.Read(TestPaths.Fixture("fashion_train_labels10.npy")).AsInt64();
        Assert.Equal(expected.Select(l => (int)l), fashion.Train.Labels[..10]);
    }

    [Fact]
    public void Load_Train_FirstImageEqualsTorchvisionToTensorBitForBit()
    {
        var expected = Npy.Read(TestPaths.Fixture("fashion_train_image0.npy"));

        Assert.Equal([1, 28, 28], expected.Shape);
        Assert.Equal(expected.AsFloat32(), fashion.Train.Row(0).ToArray());
    }

    [Fact]
    public void Load_Train_PixelsInUnitRange()
    {
        Assert.Equal(0f, fashion.Train.Inputs.Min());
        Assert.Equal(1f, fashion.Train.Inputs.Max());
    }
}
