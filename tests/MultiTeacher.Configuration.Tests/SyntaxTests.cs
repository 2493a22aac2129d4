using static MultiTeacher.Configuration.Tests.TestHocon;

namespace MultiTeacher.Configuration.Tests;

/// <summary>The syntax examples of HOCON.md.</summary>
public sealed class SyntaxTests
{
    [Fact]
    public void Parse_RootBracesOmitted_SameAsBraced() =>
        Assert.Equal(Json("{ a = 1, b { c = 2 } }"), Json("a = 1\nb { c = 2 }"));

    [Theory]
    [InlineData("foo : { a : 1 }")]
    [InlineData("foo = { a = 1 }")]
    [InlineData("foo { a : 1 }")]
    [InlineData("foo\n{\n  a = 1\n}")]
    public void Parse_SeparatorColonEqualsOrOmittedBeforeBrace_SameObject(string text) =>
        Assert.Equal("""{"foo":{"a":1}}""", Json(text));

    [Theory]
    [InlineData("a = [1,2,3,]")]
    [InlineData("a = [1\n2\n3]")]
    [InlineData("a = [\n  1,\n  2\n  3\n]")]
    public void Parse_ArrayCommasNewlinesAndTrailingComma_SameArray(string text) =>
        Assert.Equal("""{"a":[1,2,3]}""", Json(text));

    [Fact]
    public void Parse_ObjectFieldsSeparatedByNewlinesOrCommas_TrailingCommaIgnored() =>
        Assert.Equal("""{"a":1,"b":2,"c":3}""", Json("a = 1, b = 2\nc = 3,"));

    [Fact]
    public void Parse_HashAndDoubleSlashComments_AreIgnoredOutsideQuotes()
    {
        var config = Parse("""
            # a comment
            a = 1 // another
            b = "not # a // comment" # but this is
            // c = 3
            """);

        Assert.Equal("""{"a":1,"b":"not # a // comment"}""", config.ToJson(indented: false));
    }

    [Fact]
    public void Parse_QuotedUrl_KeepsItsSlashes() =>
        Assert.Equal("""{"url":"http://example.com"}""", Json("url = \"http://example.com\""));

    [Fact]
    public void Parse_UnquotedUrl_FailsAtTheReservedColon()
    {
        var e = Assert.Throws<HoconParseException>(() => Parse("url = http://example.com"));

        Assert.Equal("test.conf:1:11: found ':', expected ',' or a newline after a field", e.Message);
    }

    [Fact]
    public void Parse_DottedKey_ExpandsToNestedObjects() =>
        Assert.Equal(Json("foo { bar { baz : 42 } }"), Json("foo.bar.baz : 42"));

    [Fact]
    public void Parse_QuotedKeySegments_KeepTheirDots()
    {
        var config = Parse("""
            "a.b" = 1
            x."y.z".w = 2
            """);

        Assert.Equal("""{"a.b":1,"x":{"y.z":{"w":2}}}""", config.ToJson(indented: false));
        Assert.Equal(2, config.GetInt("x.\"y.z\".w"));
    }

    [Fact]
    public void Parse_EmptyQuotedPathElement_IsAKey() =>
        Assert.Equal("""{"a":{"":{"b":1}}}""", Json("a.\"\".b = 1"));

    [Fact]
    public void Parse_KeyWithWhitespace_IsOneKey() =>
        Assert.Equal("""{"a b c":42}""", Json("a b c : 42"));

    [Fact]
    public void Parse_KeysThatLookLikeOtherTypes_AreStrings() =>
        Assert.Equal("""{"true":42,"3":{"14":42},"10":{"0foo":1}}""", Json("true : 42\n3.14 : 42\n10.0foo : 1"));

    [Fact]
    public void Parse_Numbers_KeepIntLongAndDouble()
    {
        var config = Parse("i = 42\nl = 9000000000\nd = 42.1\nn = -1.5e3\nz = 0");

        Assert.Equal(42, config.GetInt("i"));
        Assert.Equal(9_000_000_000L, config.GetLong("l"));
        Assert.Equal(42.1, config.GetDouble("d"));
        Assert.Equal(-1500.0, config.GetDouble("n"));
        Assert.Equal("""{"i":42,"l":9000000000,"d":42.1,"n":-1.5e3,"z":0}""", config.ToJson(indented: false));
    }

    [Fact]
    public void Parse_QuotedStringEscapes_AreDecoded() =>
        Assert.Equal("q\"b\\s/n\nt\tu\u00e9\u20ac", Parse(""" a = "q\"b\\s\/n\nt\tu\u00e9\u20AC" """).GetString("a"));

    [Fact]
    public void Parse_UnquotedString_RunsUntilAForbiddenCharacter() =>
        Assert.Equal("""{"a":"foo-bar_baz.qux/1","b":"x"}""", Json("a = foo-bar_baz.qux/1, b = x"));

    [Fact]
    public void Parse_KeywordFollowedByText_IsAConcatenatedString()
    {
        var config = Parse("a = truefoo\nb = footrue\nc = 10.0bar\nd = bar10.0\ne = true");

        Assert.Equal("""{"a":"truefoo","b":"footrue","c":"10.0bar","d":"bar10.0","e":true}""", config.ToJson(indented: false));
    }

    [Fact]
    public void Parse_BooleansAndNull_AreTypedAndYesNoOnOffAreStrings()
    {
        var config = Parse("t = true\nf = false\nn = null\ny = yes\noff = off");

        Assert.Equal("""{"t":true,"f":false,"n":null,"y":"yes","off":"off"}""", config.ToJson(indented: false));
        Assert.True(config.GetBoolean("y"));
        Assert.False(config.GetBoolean("off"));
    }

    [Fact]
    public void Parse_TripleQuotedString_KeepsNewlinesAndBackslashes()
    {
        var config = Parse("a = \"\"\"first \"line\"\n  second \\n line\"\"\"");

        Assert.Equal("first \"line\"\n  second \\n line", config.GetString("a"));
    }

    [Fact]
    public void Parse_TripleQuotedStringEndingInExtraQuotes_KeepsThem() =>
        Assert.Equal("foo\"", Parse("a = \"\"\"foo\"\"\"\"").GetString("a"));

    [Fact]
    public void Parse_IncludeNotStartingAKey_IsAnOrdinaryWord() =>
        Assert.Equal("""{"foo include":42,"a":"include","b":["include"],"include":1}""",
            Json("foo include : 42\na = include\nb = [ include ]\n\"include\" : 1"));

    [Fact]
    public void Parse_UnicodeSpaceSeparators_AreWhitespace() =>
        Assert.Equal("""{"a":1}""", Json("a\u00A0=\u2007 1\u202F"));

    [Fact]
    public void Parse_JsonDocument_SameAsJson() =>
        Assert.Equal("""{"a":[1,{"b":null}],"c":"d"}""", Json("""{ "a": [1, { "b": null }], "c": "d" }"""));

    [Fact]
    public void Parse_EmptyDocument_IsAnEmptyObject()
    {
        Assert.True(Parse("").IsEmpty);
        Assert.True(Parse("# only a comment\n").IsEmpty);
    }

    [Fact]
    public void Parse_WindowsLineEndings_SameAsUnix()
    {
        const string Text = "a = foo bar # c\nb {\n  c = [1\n2]\n}\nd = \"x\"\n";

        Assert.Equal(Json(Text), Json(Text.Replace("\n", "\r\n", StringComparison.Ordinal)));
    }
}
