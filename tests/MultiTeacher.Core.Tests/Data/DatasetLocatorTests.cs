using MultiTeacher.Core.Data;

namespace MultiTeacher.Core.Tests.Data;

public sealed class DatasetLocatorTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Missing => _temp.File("nowhere");

    [Fact]
    public void Locate_NothingAnywhere_MessageListsEveryPlaceAndBothFixes()
    {
        var locator = new DatasetLocator(_ => null, Missing);

        var e = Assert.Throws<DatasetNotFoundException>(() => locator.Locate(null));

        Assert.Contains("--data: not given", e.Message, StringComparison.Ordinal);
        Assert.Contains("MT_DATA: not set", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{Missing} (default): no such directory", e.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message, StringComparison.Ordinal);
        Assert.Contains("point --data (or MT_DATA) at a folder of IDX files", e.Message, StringComparison.Ordinal);
        Assert.Contains("train-images-idx3-ubyte[.gz]", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, e.Searched.Count);
    }

    [Fact]
    public void Locate_DataArgument_WinsOverEnvironmentAndDefault()
    {
        IdxFiles.WriteSplit(_temp.Path, "train", 2);
        var locator = new DatasetLocator(_ => Missing, Missing);

        Assert.Equal(_temp.Path, locator.Locate(_temp.Path));
    }

    [Fact]
    public void Locate_EnvironmentVariable_UsedWhenNoArgument()
    {
        IdxFiles.WriteSplit(_temp.Path, "t10k", 2);
        var locator = new DatasetLocator(name => name == "MT_DATA" ? _temp.Path : null, Missing);

        Assert.Equal(_temp.Path, locator.Locate(null, "test"));
    }

    [Fact]
    public void Locate_DefaultDirectory_UsedWhenNothingGiven()
    {
        IdxFiles.WriteSplit(_temp.Path, "train", 2);
        var locator = new DatasetLocator(_ => "", _temp.Path);

        Assert.Equal(_temp.Path, locator.Locate("  "));
    }

    [Fact]
    public void Locate_WrongDataArgument_RefusedEvenIfDefaultHasData()
    {
        IdxFiles.WriteSplit(_temp.Path, "train", 2);
        var empty = _temp.File("empty");
        Directory.CreateDirectory(empty);
        var locator = new DatasetLocator(_ => null, _temp.Path);

        var e = Assert.Throws<DatasetNotFoundException>(() => locator.Locate(empty));

        Assert.Contains($"--data {empty}: directory exists but has no train-images-idx3-ubyte[.gz] or train-labels-idx1-ubyte[.gz]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Locate_EnvironmentPointsNowhere_NamesTheVariableAndItsValue()
    {
        var locator = new DatasetLocator(_ => Missing, _temp.Path);

        var e = Assert.Throws<DatasetNotFoundException>(() => locator.Locate(null));

        Assert.Contains($"MT_DATA={Missing}: no such directory", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CatalogWithNoData_ThrowsDatasetNotFound()
    {
        var locator = new DatasetLocator(_ => null, Missing);

        Assert.Throws<DatasetNotFoundException>(() => DatasetCatalog.Load(null, "train", locator));
    }
}
