using System.Globalization;
using System.Text;

namespace MultiTeacher.Configuration.Hocon;

/// <summary>Quoted strings (JSON escapes) and triple-quoted strings (no escapes, newlines kept).</summary>
internal sealed partial class HoconTokenizer
{
    private Token ReadQuoted(SourcePosition start)
    {
        Advance();
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd)
            {
                throw new HoconParseException(Here, "end of file", "a closing '\"' for the string started at " + start);
            }
            char c = Advance();
            if (c == '"')
            {
                return new Token(TokenKind.QuotedString, sb.ToString(), start);
            }
            if (c == '\\')
            {
                sb.Append(ReadEscape());
            }
            else if (c < ' ')
            {
                string found = c == '\n' ? "a newline" : $"the control character U+{(int)c:X4}";
                throw new HoconParseException(Here, found + " inside a quoted string",
                    "an escape such as \\n or \\t (or a \"\"\"triple-quoted\"\"\" string)");
            }
            else
            {
                sb.Append(c);
            }
        }
    }

    private char ReadEscape()
    {
        var at = Here;
        if (AtEnd)
        {
            throw new HoconParseException(at, "end of file", "an escape character after '\\'");
        }
        char e = Advance();
        switch (e)
        {
            case '"': return '"';
            case '\\': return '\\';
            case '/': return '/';
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'u':
                int from = _pos;
                for (int i = 0; i < 4; i++)
                {
                    if (AtEnd || !char.IsAsciiHexDigit(Peek()))
                    {
                        throw new HoconParseException(Here, $"'\\u{_text[from.._pos]}'", "four hexadecimal digits after \\u");
                    }
                    Advance();
                }
                return (char)int.Parse(_text.AsSpan(from, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            default:
                throw new HoconParseException(at, $"the escape '\\{e}'", "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
        }
    }

    private Token ReadTripleQuoted(SourcePosition start)
    {
        Advance();
        Advance();
        Advance();
        int from = _pos;
        while (true)
        {
            if (AtEnd)
            {
                throw new HoconParseException(Here, "end of file", "'\"\"\"' closing the string started at " + start);
            }
            if (Peek() == '"' && Peek(1) == '"' && Peek(2) == '"')
            {
                // Any run of three or more quotes ends the string; quotes before the last three belong to it.
                int runEnd = _pos;
                while (runEnd < _text.Length && _text[runEnd] == '"')
                {
                    runEnd++;
                }
                while (_pos < runEnd - 3)
                {
                    Advance();
                }
                string value = _text[from.._pos];
                Advance();
                Advance();
                Advance();
                return new Token(TokenKind.QuotedString, value, start);
            }
            Advance();
        }
    }
}
