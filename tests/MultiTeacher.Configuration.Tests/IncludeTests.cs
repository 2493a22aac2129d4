using static MultiTeacher.Configuration.Tests.TestHocon;

namespace MultiTeacher.Configuration.Tests;

/// <summary>HOCON.md, "Includes", with this project's rule that a missing include is an error unless optional.</summary>
public sealed class IncludeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static HoconConfig Load(string file) =>
        HoconConfig.Load(file, new HoconLoadOptions { Environment = NoEnvironment });

    [Fact]
    public void Load_Include_MergesTheFileInPlaceOfTheStatement()
    {
        _dir.Write("extra.conf", "a = 5\nx { p = 1 }");
        string main = _dir.Write("main.conf", "a = 1\nx { q = 2 }\ninclude \"extra.conf\"\nb = 3\nx.p = 9");

        var config = Load(main);

        Assert.Equal("""{"a":5,"x":{"q":2,"p":9},"b":3}""", config.ToJson(indented: false));
    }

    [Fact]
    public void Load_NestedIncludes_AreRelativeToTheIncludingFile()
    {
        _dir.Write("conf/base.conf", "include \"parts/deep.conf\"\nbase = true");
        _dir.Write("conf/parts/deep.conf", "deep = 1");
        string main = _dir.Write("main.conf", "include \"conf/base.conf\"");

        Assert.Equal("""{"deep":1,"base":true}""", Load(main).ToJson(indented: false));
    }

    [Fact]
    public void Load_IncludeInsideAnObject_FixesUpSubstitutionsToThatObject()
    {
        _dir.Write("foo.conf", "x : 10, y : ${x}, z : ${top}");
        string main = _dir.Write("main.conf", "top = root-value\na : { include \"foo.conf\" }\nb : { include \"foo.conf\" }\nb : { x : 42 }");

        var config = Load(main);

        Assert.Equal((10, 42), (config.GetInt("a.y"), config.GetInt("b.y")));
        Assert.Equal("root-value", config.GetString("a.z"));
    }

    [Fact]
    public void Load_PlusEqualsInAnIncludedFile_AppendsAtTheIncludedPath()
    {
        _dir.Write("list.conf", "items += two");
        string main = _dir.Write("main.conf", "a { items = [one] }\na { include \"list.conf\" }");

        Assert.Equal(["one", "two"], Load(main).GetStringList("a.items"));
    }

    [Theory]
    [InlineData("include file(\"x.conf\")")]
    [InlineData("include required(\"x.conf\")")]
    [InlineData("include required( file( \"x.conf\" ) )")]
    [InlineData("include optional(file(\"x.conf\"))")]
    [InlineData("include\n  \"x.conf\"")]
    public void Load_IncludeForms_LoadTheFile(string statement)
    {
        _dir.Write("x.conf", "x = 1");
        string main = _dir.Write("main.conf", statement + "\ny = 2");

        Assert.Equal("""{"x":1,"y":2}""", Load(main).ToJson(indented: false));
    }

    [Fact]
    public void Load_NameWithoutExtension_LoadsJsonThenConf()
    {
        _dir.Write("both.json", """{ "a": 1, "b": 1 }""");
        _dir.Write("both.conf", "b = 2");
        string main = _dir.Write("main.conf", "include \"both\"");

        Assert.Equal("""{"a":1,"b":2}""", Load(main).ToJson(indented: false));
    }

    [Fact]
    public void Load_OptionalIncludeOfAMissingFile_IsIgnored()
    {
        string main = _dir.Write("main.conf", "include optional(\"absent.conf\")\na = 1");

        Assert.Equal("""{"a":1}""", Load(main).ToJson(indented: false));
    }

    [Theory]
    [InlineData("include \"absent.conf\"")]
    [InlineData("include required(\"absent.conf\")")]
    [InlineData("include file(\"absent.conf\")")]
    public void Load_IncludeOfAMissingFile_FailsAtTheStatementWithAHint(string statement)
    {
        string main = _dir.Write("main.conf", "a = 1\n  " + statement);

        var e = Assert.Throws<HoconException>(() => Load(main));

        Assert.Equal((main, 2, 3), (e.File, e.Line, e.Column));
        Assert.Contains("absent.conf' not found (write include optional(\"absent.conf\") if it may be absent)", e.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Load_IncludeCycle_FailsNamingTheFiles()
    {
        _dir.Write("a.conf", "include \"b.conf\"");
        _dir.Write("b.conf", "include \"a.conf\"");
        string main = _dir.Write("main.conf", "include \"a.conf\"");

        var e = Assert.Throws<HoconException>(() => Load(main));

        Assert.Contains("include cycle: a.conf -> b.conf -> a.conf", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_IncludedFileWithAnArrayRoot_Fails()
    {
        _dir.Write("list.conf", "[1, 2]");
        string main = _dir.Write("main.conf", "include \"list.conf\"");

        var e = Assert.Throws<HoconParseException>(() => Load(main));

        Assert.Equal("an array at the root", e.Found);
        Assert.EndsWith("list.conf", e.File, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("include url(\"http://example.com/a.conf\")", "include url(\"http://example.com/a.conf\") is not supported")]
    [InlineData("include classpath(\"a.conf\")", "include classpath(\"a.conf\") is not supported")]
    public void Load_UrlAndClasspathIncludes_AreRejected(string statement, string message)
    {
        var e = Assert.Throws<HoconException>(() => Parse(statement));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("include foo")]
    [InlineData("include ${x}")]
    [InlineData("include \"a\" \"b\"")]
    [InlineData("include required(\"a\"")]
    public void Parse_IncludeWithoutAQuotedName_Fails(string statement) =>
        Assert.Throws<HoconParseException>(() => Parse(statement));
}
