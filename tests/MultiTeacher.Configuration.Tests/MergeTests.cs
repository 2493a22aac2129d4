using System.Text.Json.Nodes;
using static MultiTeacher.Configuration.Tests.TestHocon;

namespace MultiTeacher.Configuration.Tests;

/// <summary>HOCON.md, "Duplicate keys and object merging" and "Config object merging and file merging".</summary>
public sealed class MergeTests
{
    [Fact]
    public void Parse_DuplicateObjectKeys_MergeObjects() =>
        Assert.Equal(Json("""{ "foo" : { "a" : 42, "b" : 43 } }"""), Json("""{ "foo" : { "a" : 42 }, "foo" : { "b" : 43 } }"""));

    [Fact]
    public void Parse_NullBetweenObjects_PreventsTheMerge() =>
        Assert.Equal("""{"foo":{"b":43}}""", Json("""{ "foo" : { "a" : 42 }, "foo" : null, "foo" : { "b" : 43 } }"""));

    [Fact]
    public void Parse_NonObjectAfterObject_Replaces() =>
        Assert.Equal("""{"a":5,"b":{"y":1}}""", Json("a { x = 1 }\na = 5\nb = [1]\nb { y = 1 }"));

    [Fact]
    public void Parse_PathKeys_MergeIntoOneObject() =>
        Assert.Equal(Json("a { x : 42, y : 43 }"), Json("a.x : 42, a.y : 43"));

    [Fact]
    public void Parse_NestedObjects_MergeRecursivelyLaterWinning() =>
        Assert.Equal("""{"a":{"b":{"c":1,"d":3},"e":4}}""", Json("a { b { c = 1, d = 2 } }\na.b.d = 3\na.e = 4"));

    [Fact]
    public void WithFallback_ObjectHiddenByNonObject_IsNotMerged()
    {
        var first = Parse("a : { x : 1 }");
        var number = Parse("a : 42");
        var other = Parse("a : { y : 2 }");

        Assert.Equal("""{"a":{"x":1}}""", first.WithFallback(number).WithFallback(other).ToJson(indented: false));
        AssertJsonEqual(JsonNode.Parse("""{"a":{"x":1,"y":2}}"""), JsonNode.Parse(first.WithFallback(other).WithFallback(number).ToJson()));
    }

    [Fact]
    public void WithFallback_KeysOfBoth_ThisWins()
    {
        var merged = Parse("a = 1\nc { d = 1 }").WithFallback(Parse("a = 2\nb = 3\nc { e = 2 }"));

        Assert.Equal((1, 3, 1, 2), (merged.GetInt("a"), merged.GetInt("b"), merged.GetInt("c.d"), merged.GetInt("c.e")));
    }
}
