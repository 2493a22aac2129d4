using System.Globalization;
using MultiTeacher.Configuration;
using MultiTeacher.Core.Teachers;

namespace MultiTeacher.Cli.Commands;

/// <summary>
/// Reads a <c>teachers</c> list whose items are a path, or an object
/// <c>{ path = "t.onnx", weight = 2, output = logits, input-layout = flat }</c>.
/// </summary>
internal static class TeacherEntries
{
    private static readonly string[] s_fields = ["path", "weight", "output", "input-layout"];

    /// <summary>Paths (absolute), the options of object items by path, and each item's weight (null when not given).</summary>
    public static (List<string> Paths, Dictionary<string, TeacherOptions> Options, List<float?> Weights) Read(ConfigSection section, string key, string baseDirectory)
    {
        var paths = new List<string>();
        var options = new Dictionary<string, TeacherOptions>(StringComparer.Ordinal);
        var weights = new List<float?>();
        var full = ConfigPath.Combine(section.Path, key);
        foreach (var (record, index) in section.GetRecordList(key, "path", s_fields).Select((r, i) => (r, i)))
        {
            var path = Path.GetFullPath(record["path"], baseDirectory);
            paths.Add(path);
            weights.Add(record.TryGetValue("weight", out var w) ? Weight(full, index, w) : null);
            if (record.ContainsKey("output") || record.ContainsKey("input-layout"))
            {
                options[path] = new TeacherOptions(
                    record.GetValueOrDefault("output"),
                    record.TryGetValue("input-layout", out var layout) ? Layout(full, index, layout) : TeacherInputLayout.Auto);
            }
        }

        return (paths, options, weights);
    }

    private static float Weight(string key, int index, string text) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) && float.IsFinite(weight) && weight >= 0
            ? weight
            : throw new InvalidConfigurationException($"{key}: item {index}: weight must be a number of at least 0, got \"{text}\"");

    private static TeacherInputLayout Layout(string key, int index, string text)
    {
        try
        {
            return TeacherOptions.ParseLayout(text);
        }
        catch (FormatException e)
        {
            throw new InvalidConfigurationException($"{key}: item {index}: {e.Message}", e);
        }
    }
}
