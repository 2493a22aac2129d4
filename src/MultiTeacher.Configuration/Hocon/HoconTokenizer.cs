using System.Globalization;
using System.Text;

namespace MultiTeacher.Configuration.Hocon;

/// <summary>
/// Splits HOCON text into tokens. Comments are dropped (the newline ending them is kept, since newlines separate
/// fields); runs of non-newline whitespace are kept as one token, because value concatenation preserves them.
/// </summary>
internal sealed partial class HoconTokenizer
{
    /// <summary>Characters that may not appear in an unquoted string (HOCON.md, "Unquoted strings").</summary>
    private const string Forbidden = "$\"{}[]:=,+#`^?!@*&\\";
    private const string NumberChars = "0123456789eE+-.";

    private readonly string _text;
    private readonly string _file;
    private int _pos;
    private int _line = 1;
    private int _column = 1;

    private HoconTokenizer(string text, string file)
    {
        _text = text;
        _file = file;
    }

    /// <summary>All tokens of <paramref name="text"/>, ending with one <see cref="TokenKind.End"/> token.</summary>
    public static List<Token> Tokenize(string text, string file)
    {
        var tokenizer = new HoconTokenizer(text, file);
        var tokens = new List<Token>();
        Token token;
        do
        {
            token = tokenizer.Next(insideSubstitution: false);
            tokens.Add(token);
        }
        while (token.Kind != TokenKind.End);
        return tokens;
    }

    /// <summary>HOCON whitespace: Unicode separators, the ASCII controls \t \n \v \f \r, 0x1C-0x1F, and the BOM.</summary>
    public static bool IsWhitespace(char c) => c switch
    {
        '\t' or '\n' or '\v' or '\f' or '\r' or '\uFEFF' => true,
        >= '\u001C' and <= '\u001F' => true,
        _ => CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.SpaceSeparator
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator,
    };

    private SourcePosition Here => new(_file, _line, _column);

    private bool AtEnd => _pos >= _text.Length;

    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private char Advance()
    {
        char c = _text[_pos++];
        if (c == '\n')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }
        return c;
    }

    private bool StartsComment() => Peek() == '#' || (Peek() == '/' && Peek(1) == '/');

    private Token Next(bool insideSubstitution)
    {
        while (!AtEnd && StartsComment())
        {
            if (insideSubstitution)
            {
                throw new HoconParseException(Here, "a comment", "'}' to close the substitution");
            }
            while (!AtEnd && Peek() != '\n')
            {
                Advance();
            }
        }

        var start = Here;
        if (AtEnd)
        {
            return new Token(TokenKind.End, "", start);
        }

        char c = Peek();
        if (c == '\n')
        {
            Advance();
            return new Token(TokenKind.Newline, "\n", start);
        }
        if (IsWhitespace(c))
        {
            int from = _pos;
            while (!AtEnd && Peek() != '\n' && IsWhitespace(Peek()))
            {
                Advance();
            }
            return new Token(TokenKind.Whitespace, _text[from.._pos], start);
        }
        if (c == '"')
        {
            return Peek(1) == '"' && Peek(2) == '"' ? ReadTripleQuoted(start) : ReadQuoted(start);
        }
        if (c == '$' && Peek(1) == '{')
        {
            return ReadSubstitution(start);
        }
        if (c == '+' && Peek(1) == '=')
        {
            Advance();
            Advance();
            return new Token(TokenKind.PlusEquals, "+=", start);
        }
        var single = c switch
        {
            '{' => TokenKind.OpenBrace,
            '}' => TokenKind.CloseBrace,
            '[' => TokenKind.OpenBracket,
            ']' => TokenKind.CloseBracket,
            ',' => TokenKind.Comma,
            ':' => TokenKind.Colon,
            '=' => TokenKind.EqualsSign,
            _ => (TokenKind?)null,
        };
        if (single is { } kind)
        {
            Advance();
            return new Token(kind, c.ToString(), start);
        }
        if (c == '-' || char.IsAsciiDigit(c))
        {
            return ReadNumber(start);
        }
        if (Forbidden.Contains(c, StringComparison.Ordinal))
        {
            throw new HoconParseException(start, $"the reserved character '{c}'",
                "a value or key (put text holding that character in quotes)");
        }
        return ReadUnquoted(start);
    }

    private Token ReadUnquoted(SourcePosition start)
    {
        var sb = new StringBuilder();
        while (!AtEnd && !IsWhitespace(Peek()) && !Forbidden.Contains(Peek(), StringComparison.Ordinal) && !StartsComment())
        {
            sb.Append(Advance());
            // Keywords are recognised while reading: "truefoo" is true followed by "foo" (HOCON.md).
            switch (sb.ToString())
            {
                case "true": return new Token(TokenKind.True, "true", start);
                case "false": return new Token(TokenKind.False, "false", start);
                case "null": return new Token(TokenKind.Null, "null", start);
            }
        }
        return new Token(TokenKind.UnquotedText, sb.ToString(), start);
    }

    private Token ReadNumber(SourcePosition start)
    {
        int from = _pos;
        Advance();
        while (!AtEnd && NumberChars.Contains(Peek(), StringComparison.Ordinal))
        {
            Advance();
        }
        string text = _text[from.._pos];
        if (HoconNumbers.IsNumber(text))
        {
            return new Token(TokenKind.Number, text, start);
        }
        // Not a number after all (like "1.2.3" or "2024-01-31"): an unquoted string, unless it holds a reserved '+'.
        if (text.Contains('+', StringComparison.Ordinal))
        {
            throw new HoconParseException(start, $"'{text}'", "a number (a '+' is reserved outside quotes)");
        }
        return new Token(TokenKind.UnquotedText, text, start);
    }

    private Token ReadSubstitution(SourcePosition start)
    {
        Advance();
        Advance();
        bool optional = false;
        if (Peek() == '?')
        {
            Advance();
            optional = true;
        }
        var inner = new List<Token>();
        while (true)
        {
            if (Peek() == '}')
            {
                Advance();
                break;
            }
            var token = Next(insideSubstitution: true);
            if (token.Kind is TokenKind.End or TokenKind.Newline)
            {
                throw new HoconParseException(token.Position, token.Describe(), "'}' to close the substitution started at " + start);
            }
            if (token.Kind is not (TokenKind.Whitespace or TokenKind.QuotedString or TokenKind.UnquotedText
                or TokenKind.Number or TokenKind.True or TokenKind.False or TokenKind.Null))
            {
                throw new HoconParseException(token.Position, token.Describe(), "a path expression inside ${...}");
            }
            inner.Add(token);
        }
        while (inner.Count > 0 && inner[^1].Kind == TokenKind.Whitespace)
        {
            inner.RemoveAt(inner.Count - 1);
        }
        while (inner.Count > 0 && inner[0].Kind == TokenKind.Whitespace)
        {
            inner.RemoveAt(0);
        }
        if (inner.Count == 0)
        {
            throw new HoconParseException(start, "an empty substitution", "a path inside ${...}");
        }
        string text = string.Concat(inner.Select(t => t.Kind == TokenKind.QuotedString ? $"\"{t.Text}\"" : t.Text));
        return new Token(TokenKind.Substitution, text, start) { Optional = optional, PathTokens = inner };
    }
}
