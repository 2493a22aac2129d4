namespace MultiTeacher.Configuration.Hocon;

internal enum TokenKind
{
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    Comma,
    Colon,
    EqualsSign,
    PlusEquals,
    Newline,
    Whitespace,
    QuotedString,
    UnquotedText,
    Number,
    True,
    False,
    Null,
    Substitution,
    End,
}
