using System.Text;

namespace MultiTeacher.Configuration.Hocon;

/// <summary>
/// A path through the tree, such as <c>a.b."c.d"</c>: dots outside quotes separate elements, dots inside quoted
/// strings do not (HOCON.md, "Path expressions").
/// </summary>
internal sealed class HoconPath
{
    private readonly string[] _elements;

    private HoconPath(string[] elements)
    {
        _elements = elements;
    }

    public static HoconPath Empty { get; } = new([]);

    public IReadOnlyList<string> Elements => _elements;

    public int Length => _elements.Length;

    public static HoconPath Of(params IEnumerable<string> elements) => new([.. elements]);

    public HoconPath Append(string element) => new([.. _elements, element]);

    public HoconPath Concat(HoconPath other) => new([.. _elements, .. other._elements]);

    /// <summary>Parses a path expression such as <c>a.b."c.d"</c> (for getters and <c>--set</c>).</summary>
    public static HoconPath Parse(string text, string source)
    {
        var tokens = HoconTokenizer.Tokenize(text, source);
        tokens.RemoveAt(tokens.Count - 1);
        var bad = tokens.FirstOrDefault(t => t.Kind is not (TokenKind.QuotedString or TokenKind.UnquotedText
            or TokenKind.Number or TokenKind.True or TokenKind.False or TokenKind.Null or TokenKind.Whitespace));
        if (bad is not null)
        {
            throw new HoconParseException(bad.Position, bad.Describe(), $"a path such as a.b.\"c.d\" in '{text}'");
        }
        if (tokens.Count == 0 || tokens[0].Kind == TokenKind.Whitespace || tokens[^1].Kind == TokenKind.Whitespace)
        {
            throw new HoconParseException(new SourcePosition(source, 1, 1), $"'{text}'", "a path without surrounding whitespace");
        }
        return FromTokens(tokens);
    }

    /// <summary>Builds a path from the tokens of a key or a substitution (no leading or trailing whitespace).</summary>
    public static HoconPath FromTokens(IReadOnlyList<Token> tokens)
    {
        var elements = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        var position = tokens[0].Position;

        void Finish()
        {
            if (current.Length == 0 && !quoted)
            {
                string path = string.Concat(tokens.Select(t => t.Kind == TokenKind.QuotedString ? $"\"{t.Text}\"" : t.Text));
                throw new HoconParseException(position, $"the path '{path}' with an empty element",
                    "a path without leading, trailing or doubled dots (quote an empty element: a.\"\".b)");
            }
            elements.Add(current.ToString());
            current.Clear();
            quoted = false;
        }

        foreach (var token in tokens)
        {
            if (token.Kind == TokenKind.QuotedString)
            {
                current.Append(token.Text);
                quoted = true;
                continue;
            }
            string[] pieces = token.Text.Split('.');
            for (int i = 0; i < pieces.Length; i++)
            {
                if (i > 0)
                {
                    Finish();
                }
                current.Append(pieces[i]);
            }
        }
        Finish();
        return new HoconPath([.. elements]);
    }

    /// <summary>The path as HOCON would write it, quoting elements that need it.</summary>
    public override string ToString() => string.Join('.', _elements.Select(RenderElement));

    public static string RenderElement(string element) =>
        element.Length > 0 && element.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? element
            : "\"" + element.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
