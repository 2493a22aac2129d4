namespace MultiTeacher.Configuration.Hocon;

/// <summary>
/// Replaces every substitution of a parsed tree by its value (HOCON.md, "Substitutions").
/// </summary>
/// <remarks>
/// Substitutions look forward: <c>${a.b}</c> is the final value of <c>a.b</c> in the whole tree, resolved lazily and
/// once (results are memoised per node). Objects on the way to a path are walked field by field, so an object may
/// refer to its own fields. A value that refers to the field it defines (<c>a = ${a} [3]</c>, <c>a += 3</c>) sees only
/// the values given to that field before it. Other loops are cycles and name their keys. A path the tree lacks falls
/// back to the environment variable of that name (a string).
/// </remarks>
internal sealed partial class HoconResolver
{
    private readonly HoconObjectNode _root;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly Dictionary<HoconNode, HoconNode?> _memo = [];
    private readonly List<Frame> _frames = [];

    private HoconResolver(HoconObjectNode root, IReadOnlyDictionary<string, string> environment)
    {
        _root = root;
        _environment = environment;
    }

    /// <summary>The tree with every substitution, concatenation and pending merge replaced by its value.</summary>
    /// <exception cref="HoconResolveException">A substitution is unresolved, a cycle, or a concatenation mixes kinds.</exception>
    public static HoconObjectNode Resolve(HoconObjectNode root, IReadOnlyDictionary<string, string> environment) =>
        (HoconObjectNode)new HoconResolver(root, environment).ResolveNode(root, "")!;

    /// <summary>A node being resolved, with the path it was reached at (for cycle messages).</summary>
    private sealed class Frame(HoconNode node, string path)
    {
        public HoconNode Node { get; } = node;

        public string Path { get; } = path;

        /// <summary>For a merge: the index of the value being resolved.</summary>
        public int Index { get; set; }
    }

    private static string Child(string path, string key) =>
        path.Length == 0 ? HoconPath.RenderElement(key) : path + "." + HoconPath.RenderElement(key);

    private Frame Push(HoconNode node, string path)
    {
        var frame = new Frame(node, path);
        _frames.Add(frame);
        return frame;
    }

    private void Pop() => _frames.RemoveAt(_frames.Count - 1);

    private Frame? FindFrame(HoconNode node)
    {
        for (int i = _frames.Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(_frames[i].Node, node))
            {
                return _frames[i];
            }
        }
        return null;
    }

    /// <summary>Resolves a node; null when it is an optional substitution (or made only of them) that vanished.</summary>
    private HoconNode? ResolveNode(HoconNode node, string path)
    {
        if (node is HoconScalarNode)
        {
            return node;
        }
        if (_memo.TryGetValue(node, out var done))
        {
            return done;
        }
        if (FindFrame(node) is { } frame)
        {
            throw CycleError(frame);
        }
        if (node is HoconMergeNode merge)
        {
            return _memo[node] = ResolveMerge(merge, 0, path);
        }
        Push(node, path);
        try
        {
            HoconNode? result = node switch
            {
                HoconObjectNode obj => ResolveObject(obj, path),
                HoconArrayNode array => ResolveArray(array, path),
                HoconSubstitutionNode substitution => ResolveSubstitution(substitution, path),
                HoconConcatNode concat => HoconConcatenation.Combine(
                    [.. concat.Parts.Select(p => ResolveNode(p, path))],
                    (position, found, expected) => new HoconResolveException(position, "", [], $"found {found}, expected {expected}")),
                _ => throw new InvalidOperationException($"unknown node {node.GetType().Name}"),
            };
            return _memo[node] = result;
        }
        finally
        {
            Pop();
        }
    }

    private HoconObjectNode ResolveObject(HoconObjectNode obj, string path)
    {
        var fields = new OrderedDictionary<string, HoconNode>(obj.Count, StringComparer.Ordinal);
        bool changed = false;
        foreach (var (key, value) in obj.Fields)
        {
            var resolved = ResolveNode(value, Child(path, key));
            changed |= !ReferenceEquals(resolved, value);
            if (resolved is not null)
            {
                fields[key] = resolved;
            }
        }
        return changed ? new HoconObjectNode(fields, obj.Position, obj.IgnoresFallbacks) : obj;
    }

    private HoconArrayNode ResolveArray(HoconArrayNode array, string path)
    {
        var items = new List<HoconNode>(array.Items.Count);
        bool changed = false;
        for (int i = 0; i < array.Items.Count; i++)
        {
            var resolved = ResolveNode(array.Items[i], $"{path}[{i}]");
            changed |= !ReferenceEquals(resolved, array.Items[i]);
            if (resolved is not null)
            {
                items.Add(resolved);
            }
        }
        return changed ? new HoconArrayNode(items, array.Position) : array;
    }

    /// <summary>
    /// Merges the values of a merge node from <paramref name="start"/> on, each a fallback of the newer ones, and stops
    /// at the first non-object. A value that is itself being resolved (a self-reference looking back at this field)
    /// is skipped together with every newer value.
    /// </summary>
    private HoconNode? ResolveMerge(HoconMergeNode merge, int start, string path)
    {
        var frame = Push(merge, path);
        try
        {
            HoconNode? result = null;
            for (int i = start; i < merge.Stack.Count; i++)
            {
                frame.Index = i;
                var layer = merge.Stack[i];
                if (layer is not HoconScalarNode && !_memo.ContainsKey(layer) && FindFrame(layer) is { } inProgress)
                {
                    if (layer is HoconObjectNode or HoconArrayNode)
                    {
                        throw CycleError(inProgress);
                    }
                    result = null;
                    continue;
                }
                var value = ResolveNode(layer, path);
                if (value is null)
                {
                    continue;
                }
                result = result is null ? value : HoconMerge.Merge(value, result);
                if (result is not HoconObjectNode)
                {
                    break;
                }
            }
            return result;
        }
        finally
        {
            Pop();
        }
    }

    /// <summary>The error for a loop back to <paramref name="frame"/>: the keys from there to here, then the first again.</summary>
    private HoconResolveException CycleError(Frame frame)
    {
        var keys = new List<string>();
        foreach (var f in _frames.Skip(_frames.IndexOf(frame)))
        {
            if (keys.Count == 0 || keys[^1] != f.Path)
            {
                keys.Add(f.Path);
            }
        }
        keys.Add(keys[0]);
        var substitution = _frames.LastOrDefault(f => f.Node is HoconSubstitutionNode)?.Node as HoconSubstitutionNode;
        var position = substitution?.Position ?? frame.Node.Position;
        string path = substitution?.Path.ToString() ?? frame.Path;
        return new HoconResolveException(position, path, keys,
            $"substitution cycle: {string.Join(" -> ", keys)} (while resolving ${{{path}}})");
    }
}
