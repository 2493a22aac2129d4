namespace MultiTeacher.Core.Data;

/// <summary>
/// Loads one split of an MNIST-style dataset from a folder of IDX files: <c>train-images-idx3-ubyte[.gz]</c> with
/// <c>train-labels-idx1-ubyte[.gz]</c>, and <c>t10k-images-idx3-ubyte[.gz]</c> with <c>t10k-labels-idx1-ubyte[.gz]</c>.
/// </summary>
public static class IdxDataset
{
    /// <summary>The split names accepted by <see cref="Load"/>.</summary>
    public static IReadOnlyList<string> Splits { get; } = ["train", "test"];

    private static readonly float[] s_byteToUnit = CreateByteToUnit();

    /// <summary>
    /// Loads a split. Pixels become <c>x / 255f</c> (torchvision's <c>ToTensor</c>), samples have shape
    /// [1, rows, columns], and the dataset is named <c>{name}/{split}</c>, for example <c>fashion-mnist/train</c>.
    /// </summary>
    /// <param name="directory">Folder holding the IDX files.</param>
    /// <param name="split"><c>train</c> or <c>test</c>.</param>
    /// <param name="name">Dataset name, for example <c>fashion-mnist</c>.</param>
    /// <param name="classes">Number of classes; every label must be below it.</param>
    /// <exception cref="FileNotFoundException">The folder lacks the split's image or label file.</exception>
    /// <exception cref="DataFormatException">A file is corrupt, a label is outside the class range, or the files disagree in count.</exception>
    public static Dataset Load(string directory, string split, string name = "fashion-mnist", int classes = 10)
    {
        if (!TryFindFiles(directory, split, out var imagesPath, out var labelsPath))
        {
            throw new FileNotFoundException(
                $"{directory} holds no IDX files for the {split} split: looked for {string.Join(" and ", FileNames(split).Select(f => f + "[.gz]"))}.");
        }

        var images = IdxReader.ReadImages(imagesPath);
        var labels = IdxReader.ReadLabels(labelsPath);
        if (images.Count != labels.Count)
        {
            throw new DataFormatException(
                $"Images and labels differ in count: {imagesPath} holds {images.Count} images, {labelsPath} holds {labels.Count} labels.");
        }

        var labelValues = new int[labels.Count];
        for (var row = 0; row < labelValues.Length; row++)
        {
            labelValues[row] = labels.Data[row];
            if (labelValues[row] >= classes)
            {
                throw new DataFormatException(labelsPath, $"row {row} has label {labelValues[row]}, outside the class range [0, {classes}).", null);
            }
        }

        var pixels = images.Data;
        var inputs = GC.AllocateUninitializedArray<float>(pixels.Length);
        for (var i = 0; i < pixels.Length; i++)
        {
            inputs[i] = s_byteToUnit[pixels[i]];
        }

        int[] sampleShape = [1, images.Dimensions[1], images.Dimensions[2]];
        return new Dataset($"{name}/{split}", inputs, labelValues, classes, sampleShape);
    }

    /// <summary>
    /// Finds the image and label files of <paramref name="split"/> in <paramref name="directory"/>, preferring the
    /// gzip-compressed name, then the raw name, then the dotted MNIST variant (<c>train-images.idx3-ubyte</c>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="split"/> is neither <c>train</c> nor <c>test</c>.</exception>
    public static bool TryFindFiles(string directory, string split, out string imagesPath, out string labelsPath)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var names = FileNames(split);
        imagesPath = FindFirst(directory, names[0]) ?? string.Empty;
        labelsPath = FindFirst(directory, names[1]) ?? string.Empty;
        return imagesPath.Length > 0 && labelsPath.Length > 0;
    }

    /// <summary>The uncompressed file names of a split's images and labels, for example <c>t10k-images-idx3-ubyte</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="split"/> is neither <c>train</c> nor <c>test</c>.</exception>
    public static string[] FileNames(string split)
    {
        var prefix = split switch
        {
            "train" => "train",
            "test" => "t10k",
            _ => throw new ArgumentException($"Unknown split '{split}'; expected one of: {string.Join(", ", Splits)}.", nameof(split)),
        };
        return [$"{prefix}-images-idx3-ubyte", $"{prefix}-labels-idx1-ubyte"];
    }

    private static string? FindFirst(string directory, string baseName)
    {
        var dotted = baseName.Replace("-idx", ".idx", StringComparison.Ordinal);
        foreach (var candidate in (ReadOnlySpan<string>)[baseName + ".gz", baseName, dotted + ".gz", dotted])
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    private static float[] CreateByteToUnit()
    {
        var table = new float[256];
        for (var i = 0; i < table.Length; i++)
        {
            // Division, not multiplication by 1/255: this is the exact float torchvision's ToTensor produces.
            table[i] = i / 255f;
        }

        return table;
    }
}
