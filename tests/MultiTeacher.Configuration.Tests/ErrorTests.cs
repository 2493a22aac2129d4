namespace MultiTeacher.Configuration.Tests;

/// <summary>
/// Malformed files fail loudly and say where: file:line:column when Akka's parser gives a position (only for an
/// unknown token), the file and Akka's message otherwise, and by name for what Akka 1.5.75 would misread silently.
/// </summary>
public sealed class ErrorTests : IDisposable
{
    private readonly TestConfig _config = new();

    public void Dispose() => _config.Dispose();

    private string FileName => _config.Folder + "/cluster.hocon";

    [Theory]
    [InlineData("multiteacher {\n  distill {\n    epochs! = 3\n  }\n}", 3, 11, "'!'")]
    [InlineData("a = 1\n[1, 2]", 2, 3, "','")]
    [InlineData("ok = 1\nbroken = @home", 2, 10, "'@'")]
    public void Load_UnknownToken_ReportsFileLineAndColumn(string text, int line, int column, string found)
    {
        var e = _config.Failure(text);

        Assert.Equal($"{FileName}:{line}:{column}: unexpected {found} (Akka's HOCON parser: Unknown token)", e.Message);
    }

    [Fact]
    public void Load_StrayClosingBrace_FailsInsteadOfDroppingTheRest() =>
        Assert.Equal($"{FileName}: a '}}' closes an object that was never opened; Akka's HOCON parser ignores everything after it",
            _config.Failure("a = 1\n}\nb = 2").Message);

    [Fact]
    public void Load_UnclosedObject_NamesIt() =>
        Assert.Equal($"{FileName}: the object multiteacher is never closed (a '}}' is missing)",
            _config.Failure("multiteacher {\n  distill {\n    epochs = 3\n}\n").Message);

    [Fact]
    public void Load_UnresolvedSubstitution_NamesThePath() =>
        Assert.StartsWith($"{FileName}: Unresolved substitution: missing.key (no such key;",
            _config.Failure("a = 1\nsection {\n  b = ${missing.key}\n}").Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("path = [a]\npath = ${path} [b]", "path")]
    [InlineData("x { a = ${y.b} }\ny { b = ${x.a} }", "x.a")]
    public void Load_SubstitutionThatReachesItself_FailsInsteadOfOverflowingTheStack(string text, string key) =>
        Assert.StartsWith($"{FileName}: {key} refers to itself through a substitution", _config.Failure(text).Message, StringComparison.Ordinal);

    [Fact]
    public void Load_PlusEquals_IsRefusedByName() =>
        Assert.StartsWith($"{FileName}: `list +=` is not understood by Akka's HOCON parser",
            _config.Failure("list = [a]\nlist += b").Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("include required(\"x.conf\")")]
    [InlineData("include optional(\"x.conf\")")]
    public void Load_IncludeWithAQualifier_IsRefusedByName(string statement) =>
        Assert.StartsWith($"{FileName}: `{statement[..(statement.IndexOf('(', StringComparison.Ordinal) + 1)]}...` is not understood by Akka's HOCON parser",
            _config.Failure(statement + "\na = 1").Message, StringComparison.Ordinal);

    [Fact]
    public void Load_UnquotedUri_SaysToQuoteIt() =>
        Assert.EndsWith("(put text holding '=' or ':', such as a URI, in double quotes)", _config.Failure("uri = amqp://host").Message,
            StringComparison.Ordinal);

    [Fact]
    public void Load_UnknownEscape_NamesTheFile() =>
        Assert.Equal($"{FileName}: Unknown escape code: q", _config.Failure("a = \"\\q\"").Message);

    [Fact]
    public void Load_Include_MergesAFileRelativeToTheIncludingOne()
    {
        _config.File("threads = 5\nextra = yes", "parts/threads.conf");

        var loaded = _config.Load("multiteacher {\n  include \"parts/threads.conf\"\n}\nafter = 1");

        Assert.Equal((5, "yes", 1), (loaded.Root.GetInt("multiteacher.threads"), loaded.Root.GetString("multiteacher.extra"), loaded.Root.GetInt("after")));
    }

    [Fact]
    public void Load_IncludeOfAMissingFile_Fails() =>
        Assert.Equal($"{FileName}: include \"absent.conf\": file {_config.Folder}/absent.conf not found",
            _config.Failure("include \"absent.conf\"\na = 1").Message);

    [Fact]
    public void Load_IncludeCycle_Fails()
    {
        _config.File("include \"b.conf\"", "a.conf");
        _config.File("include \"a.conf\"", "b.conf");

        Assert.Contains("includes itself again", _config.Failure("include \"a.conf\"").Message, StringComparison.Ordinal);
    }
}
