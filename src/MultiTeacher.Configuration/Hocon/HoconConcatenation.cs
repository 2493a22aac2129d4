using System.Text;

namespace MultiTeacher.Configuration.Hocon;

/// <summary>
/// Value concatenation (HOCON.md, "Value concatenation"): simple values join into one string with the whitespace
/// between them; arrays join into one array; objects merge, the later overriding the earlier. Mixing these is an error.
/// </summary>
internal static class HoconConcatenation
{
    /// <summary>Reports a concatenation that mixes kinds: where, what was found, what was expected.</summary>
    public delegate Exception ErrorFactory(SourcePosition position, string found, string expected);

    /// <summary>
    /// Combines resolved (or substitution-free) parts. A null part is an optional substitution that vanished; when
    /// every part vanished the result is null. A single remaining value keeps its type.
    /// </summary>
    public static HoconNode? Combine(IReadOnlyList<HoconNode?> parts, ErrorFactory error)
    {
        var values = parts.Where(p => p is not null && !IsWhitespace(p)).Select(p => p!).ToList();
        if (values.Count == 0)
        {
            return null;
        }
        if (values.Count == 1)
        {
            return values[0];
        }
        var first = values[0];
        string category = Category(first);
        var offending = values.FirstOrDefault(v => Category(v) != category);
        if (offending is not null)
        {
            throw error(offending.Position, $"{offending.Describe()} after {first.Describe()} in a value concatenation",
                $"only {category} (a concatenation joins simple values into a string, arrays into an array or objects into an object)");
        }
        switch (first)
        {
            case HoconObjectNode:
                return values.Skip(1).Aggregate(first, HoconMerge.Merge);
            case HoconArrayNode:
                return new HoconArrayNode([.. values.SelectMany(v => ((HoconArrayNode)v).Items)], first.Position);
        }
        // Strings: whitespace between values is kept, whitespace before the first and after the last is not.
        var present = parts.Where(p => p is not null).Select(p => (HoconScalarNode)p!).ToList();
        int from = present.FindIndex(p => !p.IsWhitespace);
        int to = present.FindLastIndex(p => !p.IsWhitespace);
        var sb = new StringBuilder();
        for (int i = from; i <= to; i++)
        {
            sb.Append(present[i].Text);
        }
        return HoconScalarNode.String(sb.ToString(), first.Position);
    }

    private static bool IsWhitespace(HoconNode? node) => node is HoconScalarNode { IsWhitespace: true };

    private static string Category(HoconNode node) => node switch
    {
        HoconObjectNode => "objects",
        HoconArrayNode => "arrays",
        HoconScalarNode => "simple values",
        _ => throw new InvalidOperationException($"unresolved {node.Describe()} in a concatenation"),
    };
}
