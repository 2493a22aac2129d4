namespace MultiTeacher.Configuration.Hocon;

/// <summary>A string, number, boolean or null. <see cref="Text"/> is the string, or the number as written.</summary>
internal sealed class HoconScalarNode(HoconScalarKind kind, string text, SourcePosition position, bool isWhitespace = false)
    : HoconNode(position)
{
    public HoconScalarKind Kind { get; } = kind;

    /// <summary>The string value; for a number its original text; "true", "false" or "null" otherwise.</summary>
    public string Text { get; } = text;

    /// <summary>Unquoted whitespace between the parts of a value concatenation (kept between strings only).</summary>
    public bool IsWhitespace { get; } = isWhitespace;

    public static HoconScalarNode String(string text, SourcePosition position) => new(HoconScalarKind.String, text, position);

    public override string Describe() => Kind switch
    {
        HoconScalarKind.String => $"the string \"{Text}\"",
        HoconScalarKind.Number => $"the number {Text}",
        HoconScalarKind.Boolean => $"the boolean {Text}",
        _ => "null",
    };
}
