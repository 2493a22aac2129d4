namespace MultiTeacher.Configuration.Hocon;

internal sealed partial class HoconResolver
{
    /// <summary>The value a path leads to (null when there is none); whether it was missing because it refers to itself.</summary>
    private readonly record struct Lookup(HoconNode? Value, bool SelfReference = false);

    private HoconNode? ResolveSubstitution(HoconSubstitutionNode substitution, string path)
    {
        Lookup found;
        try
        {
            found = Find(substitution);
        }
        catch (HoconResolveException e) when (substitution.Optional && e.Cycle.Count > 0)
        {
            return null; // HOCON.md: a cycle counts as a missing value for ${?path}.
        }
        if (found.Value is not null)
        {
            return found.Value;
        }
        string name = string.Join('.', substitution.Path.Elements);
        if (_environment.TryGetValue(name, out string? value) && value.Length > 0)
        {
            return HoconScalarNode.String(value, new SourcePosition($"environment variable {name}", 0, 0));
        }
        if (substitution.Optional)
        {
            return null;
        }
        string why = found.SelfReference
            ? $"it refers to the field it defines ({path}), which has no earlier value"
            : "no such key in the configuration, and no environment variable of that name";
        throw new HoconResolveException(substitution.Position, substitution.Path.ToString(), [],
            $"cannot resolve substitution ${{{substitution.Path}}}: {why}");
    }

    /// <summary>Looks a substitution up: under the include prefix first (for included files), then from the root.</summary>
    private Lookup Find(HoconSubstitutionNode substitution)
    {
        if (substitution.IncludePrefix.Length > 0)
        {
            var relative = FindPath(substitution.IncludePrefix.Concat(substitution.Path));
            if (relative.Value is not null)
            {
                return relative;
            }
        }
        return FindPath(substitution.Path);
    }

    private Lookup FindPath(HoconPath target)
    {
        HoconNode current = _root;
        string path = "";
        foreach (string key in target.Elements)
        {
            var child = Step(current, key, path);
            if (child.Value is null)
            {
                return child;
            }
            current = child.Value;
            path = Child(path, key);
        }
        return Final(current, path);
    }

    /// <summary>The child <paramref name="key"/> of a node on the way to a path, resolving as little as possible.</summary>
    private Lookup Step(HoconNode node, string key, string path)
    {
        switch (node)
        {
            case HoconObjectNode obj:
                return new Lookup(obj.Get(key));
            case HoconMergeNode merge:
                return new Lookup(Peek(merge, key, path));
            case HoconSubstitutionNode or HoconConcatNode:
                var resolved = Final(node, path);
                return resolved.Value is HoconObjectNode resolvedObj ? new Lookup(resolvedObj.Get(key)) : resolved with { Value = null };
            default:
                return new Lookup(null);
        }
    }

    /// <summary>The resolved value at the end of a path; a node already being resolved is a self-reference or a cycle.</summary>
    private Lookup Final(HoconNode node, string path)
    {
        if (node is HoconScalarNode)
        {
            return new Lookup(node);
        }
        if (_memo.TryGetValue(node, out var done))
        {
            return new Lookup(done);
        }
        var frame = FindFrame(node);
        if (frame is null)
        {
            return new Lookup(ResolveNode(node, path));
        }
        if (node is HoconMergeNode merge && merge.Stack[frame.Index] is not (HoconObjectNode or HoconArrayNode))
        {
            // A value referring to its own field sees the values given to that field before it.
            var below = frame.Index + 1 < merge.Stack.Count ? ResolveMerge(merge, frame.Index + 1, path) : null;
            return below is not null ? new Lookup(below) : SelfReferenceOrCycle(frame);
        }
        if (node is HoconSubstitutionNode or HoconConcatNode)
        {
            return SelfReferenceOrCycle(frame);
        }
        throw CycleError(frame);
    }

    /// <summary>
    /// A field that refers to itself with nothing below is a missing value (HOCON.md: <c>foo : ${foo}</c> is undefined,
    /// and <c>${?foo}</c> then vanishes); a loop through other keys is a cycle.
    /// </summary>
    private Lookup SelfReferenceOrCycle(Frame frame)
    {
        bool direct = _frames.Skip(_frames.IndexOf(frame)).All(f => f.Path == frame.Path);
        return direct ? new Lookup(null, SelfReference: true) : throw CycleError(frame);
    }

    /// <summary>
    /// The value of <paramref name="key"/> inside a merge node without resolving the whole node: newer objects first,
    /// down to the first non-object. A value being resolved (a self-reference) hides itself and everything newer.
    /// </summary>
    private HoconNode? Peek(HoconMergeNode merge, string key, string path)
    {
        int start = 0;
        for (int i = 0; i < merge.Stack.Count; i++)
        {
            var layer = merge.Stack[i];
            if (layer is HoconSubstitutionNode or HoconConcatNode or HoconMergeNode
                && !_memo.ContainsKey(layer) && FindFrame(layer) is not null)
            {
                start = i + 1;
            }
        }
        var found = new List<HoconNode>();
        foreach (var value in merge.Stack.Skip(start))
        {
            var layer = value is HoconSubstitutionNode or HoconConcatNode or HoconMergeNode ? Final(value, path).Value : value;
            if (layer is null)
            {
                continue;
            }
            if (layer is not HoconObjectNode obj)
            {
                break;
            }
            if (obj.Get(key) is { } child)
            {
                found.Add(child);
                if (child is HoconScalarNode or HoconArrayNode)
                {
                    break;
                }
            }
        }
        return found.Count switch
        {
            0 => null,
            1 => found[0],
            _ => new HoconMergeNode(found),
        };
    }
}
