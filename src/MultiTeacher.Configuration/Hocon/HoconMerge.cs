namespace MultiTeacher.Configuration.Hocon;

/// <summary>
/// Merging of two values given to the same key (HOCON.md, "Duplicate keys and object merging"): objects merge field
/// by field, any other newer value replaces the older one. When either side is not yet resolved the decision waits
/// for resolution (a <see cref="HoconMergeNode"/>).
/// </summary>
internal static class HoconMerge
{
    /// <summary>The value of a key set to <paramref name="older"/> and then to <paramref name="newer"/>.</summary>
    public static HoconNode Merge(HoconNode older, HoconNode newer)
    {
        if (newer is HoconScalarNode or HoconArrayNode or HoconObjectNode { IgnoresFallbacks: true })
        {
            return newer;
        }
        if (newer is HoconObjectNode newObject)
        {
            switch (older)
            {
                case HoconObjectNode oldObject:
                    return MergeObjects(oldObject, newObject);
                case HoconScalarNode or HoconArrayNode:
                    return new HoconObjectNode(new OrderedDictionary<string, HoconNode>(newObject.Fields, StringComparer.Ordinal),
                        newObject.Position, ignoresFallbacks: true);
            }
        }
        // One side is a substitution, a concatenation or a pending merge: keep both, newest first.
        var stack = new List<HoconNode>();
        stack.AddRange(newer is HoconMergeNode newMerge ? newMerge.Stack : [newer]);
        stack.AddRange(older is HoconMergeNode oldMerge ? oldMerge.Stack : [older]);
        return new HoconMergeNode(stack);
    }

    public static HoconObjectNode MergeObjects(HoconObjectNode older, HoconObjectNode newer)
    {
        if (newer.IgnoresFallbacks)
        {
            return newer;
        }
        var fields = new OrderedDictionary<string, HoconNode>(older.Count + newer.Count, StringComparer.Ordinal);
        foreach (var (key, value) in older.Fields)
        {
            fields[key] = value;
        }
        foreach (var (key, value) in newer.Fields)
        {
            fields[key] = fields.TryGetValue(key, out var previous) ? Merge(previous, value) : value;
        }
        return new HoconObjectNode(fields, older.Position, older.IgnoresFallbacks);
    }
}
