namespace MultiTeacher.Configuration.Hocon;

/// <summary>
/// A value concatenation holding at least one substitution (<c>${a} b</c>, <c>${base} { x = 1 }</c>), combined by
/// <see cref="HoconConcatenation"/> once the substitutions are resolved. Concatenations without substitutions are
/// combined while parsing.
/// </summary>
internal sealed class HoconConcatNode(IReadOnlyList<HoconNode> parts, SourcePosition position) : HoconNode(position)
{
    public IReadOnlyList<HoconNode> Parts { get; } = parts;

    public override string Describe() => "a value concatenation";
}
