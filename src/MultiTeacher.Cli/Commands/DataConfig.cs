using MultiTeacher.Configuration;
using MultiTeacher.Core.Data;

namespace MultiTeacher.Cli.Commands;

/// <summary>
/// Reads <c>multiteacher.data { train-x, train-y, test-x, test-y }</c>: four .npy files relative to the configuration
/// file, or all four empty for the built-in Fashion-MNIST.
/// </summary>
internal static class DataConfig
{
    public const string Section = "multiteacher.data";
    private static readonly string[] s_keys = ["train-x", "train-y", "test-x", "test-y"];

    /// <summary>The .npy files, or null when none is given.</summary>
    public static NpyDataFiles? Read(LoadedConfiguration configuration, string baseDirectory)
    {
        if (!configuration.Root.HasValue(Section))
        {
            return null;
        }

        var c = configuration.Section(Section);
        var values = s_keys.ToDictionary(k => k, k => c.HasValue(k) ? c.GetString(k).Trim() : "");
        var given = values.Where(v => v.Value.Length > 0).Select(v => v.Key).ToList();
        if (given.Count == 0)
        {
            return null;
        }

        if (given.Count < s_keys.Length)
        {
            throw new InvalidConfigurationException(
                $"{Section}: {string.Join(", ", s_keys.Except(given))} missing: give all four .npy files (train-x, train-y, test-x, test-y) or none for Fashion-MNIST");
        }

        string Full(string key)
        {
            var path = Path.GetFullPath(values[key], baseDirectory);
            return File.Exists(path) ? path : throw new InvalidConfigurationException($"{Section}.{key}: file {path} does not exist");
        }

        return new NpyDataFiles(Full("train-x"), Full("train-y"), Full("test-x"), Full("test-y"));
    }
}
