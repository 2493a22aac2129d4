namespace MultiTeacher.Configuration.Hocon;

internal sealed partial class HoconParser
{
    private const string IncludeExpectation =
        "a quoted file name after include, or one of required(\"...\"), optional(\"...\"), file(\"...\") around it";

    /// <summary>
    /// <c>include "name"</c>, <c>include file("name")</c>, <c>include required(...)</c>, <c>include optional(...)</c>
    /// in place of a field: the included file's fields merge into <paramref name="fields"/> as if written here.
    /// </summary>
    private void ParseInclude(OrderedDictionary<string, HoconNode> fields, HoconPath path)
    {
        var include = Next();
        SkipWhitespaceAndNewlines();
        bool required = false, optional = false;
        string? kind = null;
        int open = 0;
        string? name = null;
        while (name is null)
        {
            var token = Next();
            if (token.Kind == TokenKind.Whitespace && open > 0)
            {
                continue;
            }
            if (token.Kind == TokenKind.QuotedString)
            {
                name = token.Text;
            }
            else if (token.Kind == TokenKind.UnquotedText)
            {
                // "required(file(" arrives as one unquoted token: '(' is not a reserved character.
                string rest = token.Text;
                while (rest.Length > 0)
                {
                    string? word = new[] { "required(", "optional(", "file(", "url(", "classpath(" }
                        .FirstOrDefault(w => rest.StartsWith(w, StringComparison.Ordinal));
                    bool wrapper = word is "required(" or "optional(";
                    if (word is null || (wrapper && (required || optional || kind is not null)) || (!wrapper && kind is not null))
                    {
                        throw Error(token, IncludeExpectation);
                    }
                    required |= word == "required(";
                    optional |= word == "optional(";
                    kind = wrapper ? kind : word[..^1];
                    open++;
                    rest = rest[word.Length..];
                }
            }
            else
            {
                throw Error(token, IncludeExpectation);
            }
        }
        while (open > 0)
        {
            var token = Next();
            if (token.Kind == TokenKind.Whitespace)
            {
                continue;
            }
            if (token.Kind != TokenKind.UnquotedText || token.Text.Length > open || token.Text.Any(c => c != ')'))
            {
                throw Error(token, $"')' closing the include of \"{name}\"");
            }
            open -= token.Text.Length;
        }
        SkipWhitespace();
        if (Peek().Kind is not (TokenKind.Comma or TokenKind.Newline or TokenKind.CloseBrace or TokenKind.End))
        {
            throw Error(Peek(), $"',' or a newline after include \"{name}\"");
        }
        if (kind is "url" or "classpath")
        {
            throw new HoconException(include.Position,
                $"include {kind}(\"{name}\") is not supported; include files with include \"file\" or include file(\"file\")");
        }
        var included = _includer.Include(name, optional, include.Position, _baseDirectory, path);
        foreach (var (key, value) in included.Fields)
        {
            fields[key] = fields.TryGetValue(key, out var previous) ? HoconMerge.Merge(previous, value) : value;
        }
    }
}
