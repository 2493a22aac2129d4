namespace MultiTeacher.Core.Data;

/// <summary>The usual way to get data: Fashion-MNIST found by <see cref="DatasetLocator"/>.</summary>
public static class DatasetCatalog
{
    /// <summary>The name of the Fashion-MNIST dataset; its splits are named <c>fashion-mnist/train</c> and <c>fashion-mnist/test</c>.</summary>
    public const string FashionMnist = "fashion-mnist";

    /// <summary>Loads a Fashion-MNIST split (10 classes, samples [1, 28, 28]) from the folder the default locator finds.</summary>
    /// <param name="dataDirectory">The <c>--data</c> argument, or null to use <c>MT_DATA</c> or the Debian default.</param>
    /// <param name="split"><c>train</c> or <c>test</c>.</param>
    /// <exception cref="DatasetNotFoundException">No data was found; the message says where it looked and how to fix it.</exception>
    /// <exception cref="DataFormatException">A file is corrupt or the files disagree.</exception>
    public static Dataset Load(string? dataDirectory, string split) => Load(dataDirectory, split, DatasetLocator.Default);

    /// <summary>Loads a Fashion-MNIST split from the folder <paramref name="locator"/> finds.</summary>
    /// <exception cref="DatasetNotFoundException">No data was found; the message says where it looked and how to fix it.</exception>
    /// <exception cref="DataFormatException">A file is corrupt or the files disagree.</exception>
    public static Dataset Load(string? dataDirectory, string split, DatasetLocator locator)
    {
        ArgumentNullException.ThrowIfNull(locator);
        var directory = locator.Locate(dataDirectory, split);
        return IdxDataset.Load(directory, split, FashionMnist, classes: 10);
    }
}
