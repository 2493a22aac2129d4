using System.Globalization;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace MultiTeacher.Configuration;

/// <summary>
/// Values given outside the file (one layer for <c>MT_</c> environment variables, one for <c>--set</c>), built as an
/// Akka HOCON tree that falls back to the layers below it. Values are strings, as Akka keeps every scalar. A key
/// element matches a key of the tree exactly, else ignoring case, else reading <c>_</c> as <c>-</c>
/// (<c>MT_MULTITEACHER__DISTILL__SHARD_SIZE</c> sets <c>shard-size</c>); a key found nowhere is created as written.
/// A number after the path of an array sets that element, or appends when it is one past the end.
/// </summary>
internal sealed class OverrideLayer
{
    private readonly HoconValue _root = NewObject();
    private readonly Dictionary<string, string> _sources = new(StringComparer.Ordinal);

    /// <summary>The layer over <paramref name="below"/>.</summary>
    public Config Over(Config below) => _sources.Count == 0 ? below : new Config(new HoconRoot(_root)).WithFallback(below);

    /// <summary>Where the value at <paramref name="path"/> (or the array or object holding it) came from, or null when not from this layer.</summary>
    public string? SourceOf(IReadOnlyList<string> path)
    {
        for (int n = path.Count; n > 0; n--)
        {
            if (_sources.TryGetValue(ConfigPath.Join(path.Take(n)), out string? source))
            {
                return source;
            }
        }
        return null;
    }

    /// <summary>Sets <paramref name="path"/> to the string <paramref name="value"/>.</summary>
    /// <param name="path">The key path as the user wrote it.</param>
    /// <param name="value">The value.</param>
    /// <param name="below">The tree under this layer, for the names of its keys and its arrays.</param>
    /// <param name="source">How messages name where the value came from (<c>--set a.b</c>).</param>
    public void Set(IReadOnlyList<string> path, string value, HoconValue below, string source)
    {
        HoconValue layer = _root;
        HoconValue? under = below;
        var written = new List<string>();
        for (int depth = 0; depth < path.Count; depth++)
        {
            string key = MatchKey(path[depth], layer, under);
            written.Add(key);
            var layerChild = layer.GetObject().GetKey(key);
            var underChild = under is not null && ConfigTree.KindOf(under) == ValueKind.Object ? under.GetChildObject(key) : null;
            if (depth == path.Count - 1)
            {
                layer.GetObject().GetOrCreateKey(key).NewValue(new HoconLiteral { Value = value });
                break;
            }
            // A reader sees this layer's value, else the one below: index into whichever array that is.
            if ((layerChild ?? underChild) is { } seen && ConfigTree.KindOf(seen) == ValueKind.Array)
            {
                layer.GetObject().GetOrCreateKey(key).NewValue(WithElement(seen, path, depth + 1, value, written, source));
                break;
            }
            if (layerChild is null || ConfigTree.KindOf(layerChild) != ValueKind.Object)
            {
                layerChild = layer.GetObject().GetOrCreateKey(key);
                layerChild.NewValue(new HoconObject());
            }
            layer = layerChild;
            under = underChild;
        }
        _sources[ConfigPath.Join(written)] = source;
    }

    /// <summary>A copy of <paramref name="array"/> with the element named at <c>path[at]</c> set or appended.</summary>
    private static HoconArray WithElement(HoconValue array, IReadOnlyList<string> path, int at, string value, IReadOnlyList<string> written, string source)
    {
        var items = array.GetArray();
        if (at != path.Count - 1 || !int.TryParse(path[at], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || index > items.Count)
        {
            throw new InvalidConfigurationException($"{source}: {ConfigPath.Join(written)} is an array of {items.Count} elements; "
                + $"set one element as a whole: {ConfigPath.Join(written)}.N with N from 0 to {items.Count} ({items.Count} appends)");
        }
        var copy = new HoconArray();
        copy.AddRange(items);
        var element = new HoconValue();
        element.NewValue(new HoconLiteral { Value = value });
        if (index == items.Count)
        {
            copy.Add(element);
        }
        else
        {
            copy[index] = element;
        }
        return copy;
    }

    private static string MatchKey(string requested, HoconValue layer, HoconValue? under)
    {
        var keys = Keys(layer).Concat(under is not null ? Keys(under) : []).Distinct(StringComparer.Ordinal).ToList();
        return keys.FirstOrDefault(k => k == requested)
            ?? keys.FirstOrDefault(k => string.Equals(k, requested, StringComparison.OrdinalIgnoreCase))
            ?? keys.FirstOrDefault(k => string.Equals(k, requested.Replace('_', '-'), StringComparison.OrdinalIgnoreCase))
            ?? requested;
    }

    private static IEnumerable<string> Keys(HoconValue value) =>
        ConfigTree.KindOf(value) == ValueKind.Object ? value.GetObject().Items.Keys : [];

    private static HoconValue NewObject()
    {
        var value = new HoconValue();
        value.NewValue(new HoconObject());
        return value;
    }
}
