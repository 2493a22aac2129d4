namespace MultiTeacher.Configuration.Hocon;

/// <summary>One token of a HOCON source.</summary>
/// <param name="Kind">What the token is.</param>
/// <param name="Text">The decoded string of a quoted string, the original text of anything else.</param>
/// <param name="Position">Where the token starts.</param>
internal sealed record Token(TokenKind Kind, string Text, SourcePosition Position)
{
    /// <summary>For a substitution: <c>${?path}</c> rather than <c>${path}</c>.</summary>
    public bool Optional { get; init; }

    /// <summary>For a substitution: the tokens of its path expression, whitespace at both ends removed.</summary>
    public IReadOnlyList<Token> PathTokens { get; init; } = [];

    /// <summary>How the token reads in an error message.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "end of file",
        TokenKind.Newline => "a newline",
        TokenKind.Whitespace => "whitespace",
        TokenKind.QuotedString => $"the quoted string \"{Text}\"",
        TokenKind.Substitution => $"the substitution ${{{(Optional ? "?" : "")}{Text}}}",
        _ => $"'{Text}'",
    };
}
