using System.Text.Json.Nodes;
using static MultiTeacher.Configuration.Tests.TestHocon;

namespace MultiTeacher.Configuration.Tests;

/// <summary>ToHocon and ToJson, used by `mt config show`.</summary>
public sealed class RenderingTests
{
    private const string Sample = """
        multiteacher { threads = 2, name = "node \"one\"", ratio = 1.0 }
        teachers = [ { id = resnet, weight = 2 }, { id = vit } ]
        empty { }
        list = [1, 2, three]
        nested.deeper.deepest = true
        "dotted.key" = null
        "" = empty-key
        include-me = [ [1, 2], [] ]
        long-list = [aaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbb, cccccccccccccccccccccc, dddddddddddddddddddddddd]
        multi = "line one\nline two"
        """;

    [Fact]
    public void ToHocon_AnyTree_ParsesBackToTheSameTree()
    {
        var config = Parse(Sample);

        var reparsed = Parse(config.ToHocon());

        Assert.Equal(config.ToJson(), reparsed.ToJson());
    }

    [Fact]
    public void ToHocon_SmallTree_IsIndentedHocon()
    {
        var config = Parse("multiteacher { threads = 2, name = x, list = [1, a] }\nempty {}\n\"a.b\" = true");

        Assert.Equal("""
            multiteacher {
              threads = 2
              name = "x"
              list = [1, "a"]
            }
            empty = {}
            "a.b" = true

            """, config.ToHocon());
    }

    [Fact]
    public void ToJson_Numbers_KeepTheirWrittenForm()
    {
        var config = Parse("a = 1.0\nb = 1e5\nc = 007\nd = -0.5");

        Assert.Equal("""{"a":1.0,"b":1e5,"c":7,"d":-0.5}""", config.ToJson(indented: false));
    }

    [Fact]
    public void ToJson_Indented_IsValidJson()
    {
        var json = Parse(Sample).ToJson();

        Assert.Contains("\n  \"multiteacher\": {", json, StringComparison.Ordinal);
        Assert.Equal("resnet", JsonNode.Parse(json)!["teachers"]![0]!["id"]!.GetValue<string>());
    }
}
