namespace MultiTeacher.Configuration.Hocon;

/// <summary><c>${path}</c> or <c>${?path}</c>.</summary>
/// <param name="path">The path as written.</param>
/// <param name="optional">Written <c>${?path}</c>: vanishes instead of failing when the path has no value.</param>
/// <param name="includePrefix">
/// For a substitution in an included file, the path of the object the file was included into: the path is looked up
/// under that prefix first, then from the root (HOCON.md, "Include semantics: substitution").
/// </param>
/// <param name="position">Where the substitution is written.</param>
internal sealed class HoconSubstitutionNode(HoconPath path, bool optional, HoconPath includePrefix, SourcePosition position)
    : HoconNode(position)
{
    public HoconPath Path { get; } = path;

    public bool Optional { get; } = optional;

    public HoconPath IncludePrefix { get; } = includePrefix;

    public override string Describe() => $"the substitution ${{{(Optional ? "?" : "")}{Path}}}";
}
