namespace MultiTeacher.Configuration.Hocon;

/// <summary>
/// Reads files for the parser: the top-level file and every file it includes, relative to the including file
/// (never to the working directory). Detects include cycles.
/// </summary>
/// <remarks>
/// Departure from HOCON.md, chosen for this project: a missing include file is an error unless the include is written
/// <c>include optional("name")</c> (the specification silently ignores a missing plain <c>include "name"</c>, and
/// errors only for <c>include required("name")</c>, which is accepted too). A typo in a cluster's include should stop
/// the run, not drop a section of its configuration.
/// </remarks>
internal sealed class HoconIncluder
{
    private readonly List<string> _open = [];

    /// <summary>Parses a file; <paramref name="displayPath"/> is how positions name it.</summary>
    public HoconObjectNode ParseFile(string displayPath, HoconPath prefix, SourcePosition? includedAt = null)
    {
        string fullPath = Path.GetFullPath(displayPath);
        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string message = $"cannot read '{displayPath}': {e.Message}";
            throw includedAt is { } at ? new HoconException(at, message) : new HoconException(message, e);
        }
        _open.Add(fullPath);
        try
        {
            return HoconParser.Parse(text, displayPath, Path.GetDirectoryName(displayPath) ?? "", prefix, this);
        }
        finally
        {
            _open.RemoveAt(_open.Count - 1);
        }
    }

    /// <summary>Parses text that does not come from a file; its relative includes are looked up in <paramref name="baseDirectory"/>.</summary>
    public HoconObjectNode ParseText(string text, string sourceName, string baseDirectory) =>
        HoconParser.Parse(text, sourceName, baseDirectory, HoconPath.Empty, this);

    /// <summary>
    /// The object an include statement stands for. A name without an extension loads <c>name.json</c> then
    /// <c>name.conf</c> (both when both exist, the .conf one winning).
    /// </summary>
    public HoconObjectNode Include(string name, bool optional, SourcePosition at, string baseDirectory, HoconPath prefix)
    {
        string displayPath = Path.IsPathRooted(name) ? name : Path.Combine(baseDirectory, name);
        string[] candidates = Path.GetExtension(name).Length == 0 ? [displayPath + ".json", displayPath + ".conf"] : [displayPath];
        var existing = candidates.Where(File.Exists).ToList();
        if (existing.Count == 0)
        {
            if (optional)
            {
                return new HoconObjectNode(new OrderedDictionary<string, HoconNode>(StringComparer.Ordinal), at);
            }
            throw new HoconException(at,
                $"included file '{string.Join("' or '", candidates)}' not found (write include optional(\"{name}\") if it may be absent)");
        }
        HoconObjectNode? result = null;
        foreach (string file in existing)
        {
            string fullPath = Path.GetFullPath(file);
            int cycleStart = _open.IndexOf(fullPath);
            if (cycleStart >= 0)
            {
                var cycle = _open.Skip(cycleStart).Append(fullPath).Select(Path.GetFileName);
                throw new HoconException(at, $"include cycle: {string.Join(" -> ", cycle)}");
            }
            var included = ParseFile(file, prefix, at);
            result = result is null ? included : HoconMerge.MergeObjects(result, included);
        }
        return result!;
    }
}
