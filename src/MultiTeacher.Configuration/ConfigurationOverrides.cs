using System.Globalization;
using MultiTeacher.Configuration.Hocon;

namespace MultiTeacher.Configuration;

/// <summary>
/// Sets values given outside the file on a resolved tree: <c>MT_</c> environment variables (<c>__</c> nests), then
/// <c>--set key.path=value</c>. Only variables with a <c>__</c> are overrides (<c>MT_MULTITEACHER__THREADS</c>);
/// single names such as <c>MT_HOME</c>, <c>MT_DATA</c> or <c>MT_RABBITMQ_URI</c> are ordinary variables, read by the
/// file's <c>${?MT_...}</c> substitutions and by the programs. Values are strings. A key matches an existing key ignoring case (as .NET
/// configuration does); a number addresses an array element (or appends, one past the end).
/// </summary>
internal static class ConfigurationOverrides
{
    public static HoconObjectNode Apply(HoconObjectNode root, IReadOnlyDictionary<string, string> environment, IEnumerable<string> setOverrides)
    {
        var overrides = new List<(IReadOnlyList<string> Path, string Value, SourcePosition Source)>();
        foreach (var (name, value) in environment
            .Where(e => e.Key.StartsWith(MultiTeacherConfiguration.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)
                && e.Key.Contains("__", StringComparison.Ordinal))
            .OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            string[] path = name[MultiTeacherConfiguration.EnvironmentPrefix.Length..].Split("__");
            if (path.Any(p => p.Length == 0))
            {
                throw new HoconException($"environment variable {name}: empty key (write MT_SECTION__KEY for section.key)");
            }
            overrides.Add((path, value, new SourcePosition($"environment variable {name}", 0, 0)));
        }
        foreach (string set in setOverrides)
        {
            int equals = set.IndexOf('=', StringComparison.Ordinal);
            string key = equals < 0 ? "" : set[..equals].Trim();
            if (key.Length == 0)
            {
                throw new HoconException($"--set {set}: expected key.path=value");
            }
            HoconPath path;
            try
            {
                path = HoconPath.Parse(key, "--set " + key);
            }
            catch (HoconParseException e)
            {
                throw new HoconException($"--set {set}: '{key}' is not a path: found {e.Found}, expected {e.Expected}", e);
            }
            overrides.Add((path.Elements, set[(equals + 1)..], new SourcePosition($"--set {key}", 0, 0)));
        }
        foreach (var (path, value, source) in overrides)
        {
            root = (HoconObjectNode)SetAt(root, path, 0, value, source);
        }
        return root;
    }

    private static HoconNode SetAt(HoconNode? node, IReadOnlyList<string> path, int depth, string value, SourcePosition source)
    {
        if (depth == path.Count)
        {
            return HoconScalarNode.String(value, source);
        }
        string element = path[depth];
        if (node is HoconArrayNode array
            && int.TryParse(element, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index <= array.Items.Count)
        {
            var items = array.Items.ToList();
            if (index == items.Count)
            {
                items.Add(SetAt(null, path, depth + 1, value, source));
            }
            else
            {
                items[index] = SetAt(items[index], path, depth + 1, value, source);
            }
            return new HoconArrayNode(items, array.Position);
        }
        var obj = node as HoconObjectNode
            ?? new HoconObjectNode(new OrderedDictionary<string, HoconNode>(StringComparer.Ordinal), source);
        var keys = obj.Fields.Select(f => f.Key).ToList();
        string key = keys.FirstOrDefault(k => k == element)
            ?? keys.FirstOrDefault(k => string.Equals(k, element, StringComparison.OrdinalIgnoreCase))
            ?? element;
        return obj.With(key, SetAt(obj.Get(key), path, depth + 1, value, source));
    }
}
