using MultiTeacher.Core.Data;

namespace MultiTeacher.Core.Tests.Data;

public sealed class SyntheticDatasetTests
{
    [Fact]
    public void Create_SameSeed_IdenticalData()
    {
        var a = SyntheticDataset.Create(200, 4, [1, 4, 4], seed: 42);
        var b = SyntheticDataset.Create(200, 4, [1, 4, 4], seed: 42);

        Assert.Equal(a.Inputs, b.Inputs);
        Assert.Equal(a.Labels, b.Labels);
        Assert.Equal([1, 4, 4], a.SampleShape);
        Assert.Equal(16, a.Features);
        Assert.Equal("synthetic-4c-s42", a.Name);
    }

    [Fact]
    public void Create_DifferentSeed_DifferentData()
    {
        var a = SyntheticDataset.Create(50, 3, 8, seed: 1);
        var b = SyntheticDataset.Create(50, 3, 8, seed: 2);

        Assert.NotEqual(a.Inputs, b.Inputs);
    }

    [Fact]
    public void Create_Values_InUnitRangeWithEveryClassPresent()
    {
        var dataset = SyntheticDataset.Create(500, 5, 20, seed: 7, noise: 0.5f);

        Assert.All(dataset.Inputs, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(Enumerable.Range(0, 5), dataset.Labels.Distinct().Order());
    }

    [Fact]
    public void Create_Samples_NearestClassMeanClassifiesThem()
    {
        // Learnability check: class means estimated on one half classify the other half almost perfectly.
        var dataset = SyntheticDataset.Create(1000, 10, 32, seed: 3);
        var means = new double[10, 32];
        var counts = new int[10];
        for (var row = 0; row < 500; row++)
        {
            counts[dataset.Labels[row]]++;
            for (var j = 0; j < 32; j++)
            {
                means[dataset.Labels[row], j] += dataset.Row(row)[j];
            }
        }

        var correct = 0;
        for (var row = 500; row < 1000; row++)
        {
            var best = Enumerable.Range(0, 10).MinBy(c => Enumerable.Range(0, 32).Sum(j => Math.Pow(dataset.Row(row)[j] - means[c, j] / counts[c], 2)));
            correct += best == dataset.Labels[row] ? 1 : 0;
        }

        Assert.True(correct >= 490, $"{correct}/500 correct");
    }

    [Fact]
    public void Create_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticDataset.Create(-1, 2, 4, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticDataset.Create(10, 0, 4, 0));
        Assert.Throws<ArgumentException>(() => SyntheticDataset.Create(10, 2, [2, 0], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticDataset.Create(10, 2, 4, 0, noise: -1f));
    }
}
