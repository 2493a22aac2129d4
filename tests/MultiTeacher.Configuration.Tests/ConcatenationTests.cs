using static MultiTeacher.Configuration.Tests.TestHocon;

namespace MultiTeacher.Configuration.Tests;

/// <summary>HOCON.md, "Value concatenation" and "Array and object concatenation".</summary>
public sealed class ConcatenationTests
{
    [Fact]
    public void Parse_SimpleValuesOnOneLine_JoinWithTheWhitespaceBetween() =>
        Assert.Equal("foo bar  baz", Parse("a =   foo bar  baz   ").GetString("a"));

    [Fact]
    public void Parse_NumbersAndKeywordsInAConcatenation_KeepTheirWrittenForm() =>
        Assert.Equal("null bar 1.0 baz true 1e5", Parse("a = null bar 1.0 \"baz\" true 1e5").GetString("a"));

    [Fact]
    public void Parse_ArrayElementWithSpaces_IsOneString() =>
        Assert.Equal("""{"a":["1 2 3 4"]}""", Json("a = [ 1 2 3 4 ]"));

    [Fact]
    public void Parse_ArraysSideBySide_Concatenate() =>
        Assert.Equal("""{"a":[1,2,3,4],"b":[[1,2,3,4]],"c":[[1,2],[3,4]]}""",
            Json("a = [ 1, 2 ] [ 3, 4 ]\nb = [ [ 1, 2 ] [ 3, 4 ] ]\nc = [ [ 1, 2 ]\n [ 3, 4 ] ]"));

    [Fact]
    public void Parse_ObjectsSideBySide_MergeLaterWinning() =>
        Assert.Equal("""{"a":{"b":1,"c":3,"d":4}}""", Json("a : { b : 1, c : 2 } { c : 3, d : 4 }"));

    [Fact]
    public void Resolve_SubstitutionThenObject_InheritsAndOverrides()
    {
        var config = Parse("""
            data-center-generic = { cluster-size = 6, name = generic }
            data-center-east = ${data-center-generic} { name = "east" }
            """);

        Assert.Equal("""{"cluster-size":6,"name":"east"}""", config.GetConfig("data-center-east").ToJson(indented: false));
    }

    [Fact]
    public void Resolve_SubstitutionsInsideAString_AreConvertedToText()
    {
        var config = Parse("""
            animal.favorite = dog
            n = 1.50
            key : ${animal.favorite} is my favorite animal
            quoted : ${animal.favorite}" is my favorite animal"
            number : v${n}
            nothing = null
            with-null = ${nothing} here
            """);

        Assert.Equal("dog is my favorite animal", config.GetString("key"));
        Assert.Equal("dog is my favorite animal", config.GetString("quoted"));
        Assert.Equal("v1.50", config.GetString("number"));
        Assert.Equal("null here", config.GetString("with-null"));
    }

    [Fact]
    public void Resolve_SubstitutionsResolvingToArrays_IgnoreTheWhitespaceBetween() =>
        Assert.Equal(["1", "2", "3"], Parse("a = [1]\nb = [2, 3]\nc = ${a} ${b}").GetStringList("c"));

    [Fact]
    public void Parse_ArrayThenString_FailsAtTheString()
    {
        var e = Assert.Throws<HoconParseException>(() => Parse("a = [1] foo"));

        Assert.Equal((1, 9), (e.Line, e.Column));
        Assert.Contains("the string \"foo\" after an array", e.Found, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ObjectSubstitutionThenString_FailsNamingBoth()
    {
        var e = Assert.Throws<HoconResolveException>(() => Parse("o = { x = 1 }\na = ${o} foo"));

        Assert.Contains("test.conf:2:10: found the string \"foo\" after an object", e.Message, StringComparison.Ordinal);
    }
}
