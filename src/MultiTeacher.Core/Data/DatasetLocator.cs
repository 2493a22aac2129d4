namespace MultiTeacher.Core.Data;

/// <summary>
/// Finds the folder of Fashion-MNIST IDX files: the <c>--data</c> argument if given, else the <c>MT_DATA</c>
/// environment variable if set, else <c>/usr/share/datasets/fashion-mnist</c> (Debian's <c>dataset-fashion-mnist</c>).
/// The first of these that is given decides: a wrong <c>--data</c> is an error, never silently replaced by another folder.
/// </summary>
public sealed class DatasetLocator
{
    /// <summary>The environment variable naming the data folder.</summary>
    public const string EnvironmentVariable = "MT_DATA";

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    private readonly Func<string, string?> _getEnvironmentVariable;
    private readonly string _defaultDirectory;

    /// <summary>Creates a locator reading the given environment and falling back to <paramref name="defaultDirectory"/> (injectable for tests).</summary>
    public DatasetLocator(Func<string, string?> getEnvironmentVariable, string defaultDirectory)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultDirectory);
        _getEnvironmentVariable = getEnvironmentVariable;
        _defaultDirectory = defaultDirectory;
    }

    /// <summary>The locator of the real process: its environment and <see cref="DefaultDirectory"/>.</summary>
    public static DatasetLocator Default { get; } = new(Environment.GetEnvironmentVariable, DefaultDirectory);

    /// <summary>
    /// Returns the folder holding the IDX files of <paramref name="split"/>.
    /// </summary>
    /// <param name="dataDirectory">The <c>--data</c> argument, or null when not given.</param>
    /// <param name="split"><c>train</c> or <c>test</c>.</param>
    /// <exception cref="DatasetNotFoundException">Nothing was found; the message says where it looked and how to fix it.</exception>
    public string Locate(string? dataDirectory, string split = "train")
    {
        var names = IdxDataset.FileNames(split);
        var searched = new List<string>();
        string directory;
        if (!string.IsNullOrWhiteSpace(dataDirectory))
        {
            directory = dataDirectory;
            searched.Add($"--data {dataDirectory}: {Inspect(directory, split, names)}");
        }
        else
        {
            searched.Add("--data: not given");
            var fromEnvironment = _getEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                directory = fromEnvironment;
                searched.Add($"{EnvironmentVariable}={fromEnvironment}: {Inspect(directory, split, names)}");
            }
            else
            {
                searched.Add($"{EnvironmentVariable}: not set");
                directory = _defaultDirectory;
                searched.Add($"{_defaultDirectory} (default): {Inspect(directory, split, names)}");
            }
        }

        if (IdxDataset.TryFindFiles(directory, split, out _, out _))
        {
            return directory;
        }

        var message =
            $"No Fashion-MNIST {split} data found. Looked in:{Environment.NewLine}" +
            string.Concat(searched.Select(s => $"  {s}{Environment.NewLine}")) +
            $"Install it with `sudo apt-get install dataset-fashion-mnist` (files go to {DefaultDirectory}), " +
            $"or point --data (or {EnvironmentVariable}) at a folder of IDX files: {string.Join(", ", names.Select(n => n + "[.gz]"))}.";
        throw new DatasetNotFoundException(message, searched);
    }

    private static string Inspect(string directory, string split, string[] names)
    {
        if (!Directory.Exists(directory))
        {
            return "no such directory";
        }

        if (IdxDataset.TryFindFiles(directory, split, out var images, out var labels))
        {
            return $"found {Path.GetFileName(images)} and {Path.GetFileName(labels)}";
        }

        var missing = names.Where((name, i) => i == 0 ? images.Length == 0 : labels.Length == 0);
        return $"directory exists but has no {string.Join(" or ", missing.Select(n => n + "[.gz]"))}";
    }
}
