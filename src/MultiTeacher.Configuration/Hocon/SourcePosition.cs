namespace MultiTeacher.Configuration.Hocon;

/// <summary>Where a token or value came from: a file (or another source such as <c>--set</c>), 1-based line and column.</summary>
/// <remarks>Line 0 means the source has no lines (an environment variable, a command-line override).</remarks>
internal readonly record struct SourcePosition(string File, int Line, int Column)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
}
