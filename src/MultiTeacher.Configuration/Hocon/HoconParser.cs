namespace MultiTeacher.Configuration.Hocon;

/// <summary>
/// Turns the tokens of one HOCON source into an unresolved object (HOCON.md, "Syntax"). Duplicate keys merge as they
/// are read; includes are parsed on the spot through the <see cref="HoconIncluder"/>.
/// </summary>
internal sealed partial class HoconParser
{
    private readonly List<Token> _tokens;
    private readonly HoconIncluder _includer;
    private readonly string _baseDirectory;
    private readonly HoconPath _prefix;
    private int _index;

    private HoconParser(List<Token> tokens, HoconIncluder includer, string baseDirectory, HoconPath prefix)
    {
        _tokens = tokens;
        _includer = includer;
        _baseDirectory = baseDirectory;
        _prefix = prefix;
    }

    /// <summary>Parses a whole source whose root must be an object (braces around it are optional).</summary>
    /// <param name="text">The HOCON text.</param>
    /// <param name="sourceName">The file name used in positions.</param>
    /// <param name="baseDirectory">The directory relative includes are looked up in.</param>
    /// <param name="prefix">For an included source, the path it is included at (empty for a top-level source).</param>
    /// <param name="includer">Loads included files.</param>
    public static HoconObjectNode Parse(string text, string sourceName, string baseDirectory, HoconPath prefix, HoconIncluder includer)
    {
        var parser = new HoconParser(HoconTokenizer.Tokenize(text, sourceName), includer, baseDirectory, prefix);
        return parser.ParseRoot();
    }

    private Token Peek(int ahead = 0) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    private Token Next() => _tokens[Math.Min(_index++, _tokens.Count - 1)];

    private void SkipWhitespace()
    {
        while (Peek().Kind == TokenKind.Whitespace)
        {
            _index++;
        }
    }

    private void SkipWhitespaceAndNewlines()
    {
        while (Peek().Kind is TokenKind.Whitespace or TokenKind.Newline)
        {
            _index++;
        }
    }

    private static HoconParseException Error(Token found, string expected) => new(found.Position, found.Describe(), expected);

    private HoconObjectNode ParseRoot()
    {
        SkipWhitespaceAndNewlines();
        var first = Peek();
        if (first.Kind == TokenKind.OpenBracket)
        {
            throw new HoconParseException(first.Position, "an array at the root", "an object (the root of a configuration is an object)");
        }
        HoconObjectNode root;
        if (first.Kind == TokenKind.OpenBrace)
        {
            Next();
            root = ParseObjectBody(braced: true, _prefix, first.Position);
        }
        else
        {
            root = ParseObjectBody(braced: false, _prefix, first.Position);
        }
        SkipWhitespaceAndNewlines();
        if (Peek().Kind != TokenKind.End)
        {
            throw Error(Peek(), "end of file after the root object");
        }
        return root;
    }

    /// <summary>The fields of an object, after its '{' when <paramref name="braced"/>; consumes the closing '}'.</summary>
    private HoconObjectNode ParseObjectBody(bool braced, HoconPath path, SourcePosition start)
    {
        var fields = new OrderedDictionary<string, HoconNode>(StringComparer.Ordinal);
        while (true)
        {
            SkipWhitespaceAndNewlines();
            var token = Peek();
            if (token.Kind == TokenKind.CloseBrace)
            {
                if (!braced)
                {
                    throw Error(token, "a key or end of file (this '}' has no matching '{')");
                }
                Next();
                break;
            }
            if (token.Kind == TokenKind.End)
            {
                if (braced)
                {
                    throw Error(token, $"'}}' closing the object opened at {start}");
                }
                break;
            }
            if (token.Kind == TokenKind.Comma)
            {
                throw Error(token, "a key (a comma may only follow a field)");
            }
            if (token.Kind == TokenKind.UnquotedText && token.Text == "include")
            {
                ParseInclude(fields, path);
            }
            else
            {
                ParseField(fields, path);
            }
            SkipWhitespace();
            token = Peek();
            if (token.Kind == TokenKind.Comma)
            {
                Next();
            }
            else if (token.Kind is not (TokenKind.Newline or TokenKind.CloseBrace or TokenKind.End))
            {
                throw Error(token, braced ? "',', a newline or '}' after a field" : "',' or a newline after a field");
            }
        }
        return new HoconObjectNode(fields, start);
    }

    private void ParseField(OrderedDictionary<string, HoconNode> fields, HoconPath path)
    {
        var first = Peek();
        var keyTokens = new List<Token>();
        while (Peek().Kind is TokenKind.QuotedString or TokenKind.UnquotedText or TokenKind.Number
            or TokenKind.True or TokenKind.False or TokenKind.Null or TokenKind.Whitespace)
        {
            keyTokens.Add(Next());
        }
        while (keyTokens.Count > 0 && keyTokens[^1].Kind == TokenKind.Whitespace)
        {
            keyTokens.RemoveAt(keyTokens.Count - 1);
        }
        if (keyTokens.Count == 0)
        {
            throw Error(first, first.Kind == TokenKind.Substitution ? "a key (substitutions are not allowed in keys)" : "a key");
        }
        var key = HoconPath.FromTokens(keyTokens);
        var fieldPath = path.Concat(key);
        SkipWhitespaceAndNewlines();
        var separator = Peek();
        HoconNode value;
        switch (separator.Kind)
        {
            case TokenKind.Colon or TokenKind.EqualsSign:
                Next();
                SkipWhitespaceAndNewlines();
                value = ParseValue(fieldPath);
                break;
            case TokenKind.PlusEquals:
                // a += b means a = ${?a} [b] (HOCON.md, "The += field separator"); the path is absolute already.
                Next();
                SkipWhitespaceAndNewlines();
                var element = ParseValue(fieldPath);
                var self = new HoconSubstitutionNode(fieldPath, optional: true, HoconPath.Empty, separator.Position);
                value = new HoconConcatNode([self, new HoconArrayNode([element], element.Position)], separator.Position);
                break;
            case TokenKind.OpenBrace:
                value = ParseValue(fieldPath);
                break;
            default:
                throw Error(separator, $"':', '=', '+=' or '{{' after the key {key}");
        }
        Set(fields, key, value, first.Position);
    }

    /// <summary>Sets a (possibly dotted) key, merging with what the object already holds there.</summary>
    private static void Set(OrderedDictionary<string, HoconNode> fields, HoconPath key, HoconNode value, SourcePosition position)
    {
        var nested = value;
        for (int i = key.Length - 1; i >= 1; i--)
        {
            var wrapper = new OrderedDictionary<string, HoconNode>(StringComparer.Ordinal) { [key.Elements[i]] = nested };
            nested = new HoconObjectNode(wrapper, position);
        }
        string head = key.Elements[0];
        fields[head] = fields.TryGetValue(head, out var previous) ? HoconMerge.Merge(previous, nested) : nested;
    }

    /// <summary>A value: one or more values on one line, concatenated (HOCON.md, "Value concatenation").</summary>
    private HoconNode ParseValue(HoconPath path)
    {
        var parts = new List<HoconNode>();
        while (true)
        {
            var token = Peek();
            HoconNode? part = token.Kind switch
            {
                TokenKind.OpenBrace => ParseObjectBody(braced: true, path, Next().Position),
                TokenKind.OpenBracket => ParseArray(path, Next().Position),
                TokenKind.QuotedString or TokenKind.UnquotedText => HoconScalarNode.String(Next().Text, token.Position),
                TokenKind.Number => new HoconScalarNode(HoconScalarKind.Number, Next().Text, token.Position),
                TokenKind.True or TokenKind.False => new HoconScalarNode(HoconScalarKind.Boolean, Next().Text, token.Position),
                TokenKind.Null => new HoconScalarNode(HoconScalarKind.Null, Next().Text, token.Position),
                TokenKind.Substitution => new HoconSubstitutionNode(
                    HoconPath.FromTokens(Next().PathTokens), token.Optional, _prefix, token.Position),
                TokenKind.Whitespace when parts.Count > 0 && StartsValue(Peek(1)) =>
                    new HoconScalarNode(HoconScalarKind.String, Next().Text, token.Position, isWhitespace: true),
                _ => null,
            };
            if (part is null)
            {
                break;
            }
            parts.Add(part);
        }
        if (parts.Count == 0)
        {
            throw Error(Peek(), "a value");
        }
        if (parts.Count == 1)
        {
            return parts[0];
        }
        if (parts.Any(p => p is HoconSubstitutionNode))
        {
            return new HoconConcatNode(parts, parts[0].Position);
        }
        return HoconConcatenation.Combine(parts, (position, found, expected) => new HoconParseException(position, found, expected))!;
    }

    private static bool StartsValue(Token token) => token.Kind is TokenKind.OpenBrace or TokenKind.OpenBracket
        or TokenKind.QuotedString or TokenKind.UnquotedText or TokenKind.Number or TokenKind.True
        or TokenKind.False or TokenKind.Null or TokenKind.Substitution;

    /// <summary>The elements of an array after its '['; consumes the closing ']'.</summary>
    private HoconArrayNode ParseArray(HoconPath path, SourcePosition start)
    {
        var items = new List<HoconNode>();
        while (true)
        {
            SkipWhitespaceAndNewlines();
            var token = Peek();
            if (token.Kind == TokenKind.CloseBracket)
            {
                Next();
                break;
            }
            if (token.Kind == TokenKind.End)
            {
                throw Error(token, $"']' closing the array opened at {start}");
            }
            if (token.Kind == TokenKind.Comma)
            {
                throw Error(token, "a value or ']' (a comma may only follow an element)");
            }
            items.Add(ParseValue(path));
            SkipWhitespace();
            token = Peek();
            if (token.Kind == TokenKind.Comma)
            {
                Next();
            }
            else if (token.Kind == TokenKind.End)
            {
                throw Error(token, $"']' closing the array opened at {start}");
            }
            else if (token.Kind is not (TokenKind.Newline or TokenKind.CloseBracket))
            {
                throw Error(token, "',', a newline or ']' after an array element");
            }
        }
        return new HoconArrayNode(items, start);
    }
}
