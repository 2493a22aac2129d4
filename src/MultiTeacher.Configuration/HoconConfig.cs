using System.Collections;
using MultiTeacher.Configuration.Hocon;

namespace MultiTeacher.Configuration;

/// <summary>
/// A resolved HOCON configuration (Lightbend's HOCON.md): an immutable tree of objects, arrays, strings, numbers,
/// booleans and nulls, every substitution replaced by its value. Read values with the typed getters, which take
/// HOCON paths such as <c>multiteacher.threads</c> or <c>a."b.c"</c>.
/// </summary>
/// <remarks>
/// Includes are looked up relative to the including file. Departing from HOCON.md (which ignores a missing plain
/// include), a missing include file is an error unless written <c>include optional("name")</c>;
/// <c>include required("name")</c> and <c>include file("name")</c> are accepted, <c>url(...)</c> and
/// <c>classpath(...)</c> are not. A name without an extension loads <c>name.json</c> and <c>name.conf</c>.
/// </remarks>
public sealed partial class HoconConfig
{
    internal HoconConfig(HoconObjectNode root)
    {
        Root = root;
    }

    /// <summary>A configuration with no keys.</summary>
    public static HoconConfig Empty { get; } =
        new(new HoconObjectNode(new OrderedDictionary<string, HoconNode>(StringComparer.Ordinal), new SourcePosition("empty", 0, 0)));

    internal HoconObjectNode Root { get; }

    /// <summary>Whether the configuration has no keys.</summary>
    public bool IsEmpty => Root.Count == 0;

    /// <summary>Parses and resolves HOCON text. Relative includes are looked up in the working directory.</summary>
    /// <param name="text">The HOCON (or JSON) text.</param>
    /// <param name="sourceName">How error messages name the text.</param>
    /// <param name="options">Environment and fallback for resolution; null for the defaults.</param>
    /// <exception cref="HoconParseException">The text is malformed.</exception>
    /// <exception cref="HoconException">An include or a substitution failed.</exception>
    public static HoconConfig Parse(string text, string sourceName = "string", HoconLoadOptions? options = null) =>
        Resolve(new HoconIncluder().ParseText(text, sourceName, ""), options);

    /// <summary>Reads, parses and resolves a HOCON (or JSON) file and the files it includes.</summary>
    /// <param name="path">The file; error messages name it as given.</param>
    /// <param name="options">Environment and fallback for resolution; null for the defaults.</param>
    /// <exception cref="HoconParseException">A file is malformed.</exception>
    /// <exception cref="HoconException">The file is missing or unreadable, or an include or a substitution failed.</exception>
    public static HoconConfig Load(string path, HoconLoadOptions? options = null)
    {
        if (!File.Exists(path))
        {
            throw new HoconException($"configuration file '{path}' not found");
        }
        return Resolve(new HoconIncluder().ParseFile(path, HoconPath.Empty), options);
    }

    /// <summary>
    /// This configuration merged over <paramref name="fallback"/>: keys of both, objects merged recursively, this
    /// configuration's value winning for any other key present in both.
    /// </summary>
    public HoconConfig WithFallback(HoconConfig fallback) => new(HoconMerge.MergeObjects(fallback.Root, Root));

    /// <summary>The tree as JSON, keys in the order they were first defined.</summary>
    public string ToJson(bool indented = true) => HoconJsonWriter.Write(Root, indented);

    /// <summary>The tree as indented HOCON, which parses back to the same tree.</summary>
    public string ToHocon() => HoconTextWriter.Write(Root);

    /// <summary>The flattened keys for an <c>IConfiguration</c> (<c>a:b</c>, <c>list:0</c>).</summary>
    internal Dictionary<string, string?> ToConfigurationData() => HoconConfigurationData.Flatten(Root);

    internal static IReadOnlyDictionary<string, string> ProcessEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string ?? "";
        }
        return environment;
    }

    private static HoconConfig Resolve(HoconObjectNode root, HoconLoadOptions? options)
    {
        if (options?.Fallback is { } fallback)
        {
            root = HoconMerge.MergeObjects(fallback.Root, root);
        }
        return new HoconConfig(HoconResolver.Resolve(root, options?.Environment ?? ProcessEnvironment()));
    }
}
