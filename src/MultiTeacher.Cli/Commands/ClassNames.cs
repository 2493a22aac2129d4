using MultiTeacher.Core.Data;

namespace MultiTeacher.Cli.Commands;

/// <summary>Human names of the classes of known datasets, for tables.</summary>
internal static class ClassNames
{
    private static readonly string[] s_fashionMnist =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static IReadOnlyList<string> For(Dataset dataset) =>
        dataset.Name.StartsWith(DatasetCatalog.FashionMnist, StringComparison.Ordinal) && dataset.Classes == s_fashionMnist.Length
            ? s_fashionMnist
            : Enumerable.Range(0, dataset.Classes).Select(c => $"class {c}").ToArray();
}
