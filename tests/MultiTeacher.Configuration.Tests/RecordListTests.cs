namespace MultiTeacher.Configuration.Tests;

/// <summary>Lists whose items are a string or an object of fields, as teachers are written.</summary>
public sealed class RecordListTests : IDisposable
{
    private static readonly string[] s_fields = ["path", "weight", "output"];
    private readonly TestConfig _config = new();

    public void Dispose() => _config.Dispose();

    [Fact]
    public void GetRecordList_StringsAndObjects_EachReadAsFields()
    {
        var section = _config.Load("t = [\"a.pt\", { path = b.onnx, weight = 2, output = logits }]").Root;

        var records = section.GetRecordList("t", "path", s_fields);

        Assert.Equal(2, records.Count);
        Assert.Equal("a.pt", records[0]["path"]);
        Assert.Single(records[0]);
        Assert.Equal("b.onnx", records[1]["path"]);
        Assert.Equal("2", records[1]["weight"]);
        Assert.Equal("logits", records[1]["output"]);
    }

    [Fact]
    public void GetRecordList_OverrideText_CommaSeparatedPaths()
    {
        var section = _config.Load("t = []", ["t=a.pt,b.onnx"]).Root;

        Assert.Equal(["a.pt", "b.onnx"], section.GetRecordList("t", "path", s_fields).Select(r => r["path"]));
    }

    [Theory]
    [InlineData("t = [{ path = a.pt, wieght = 2 }]", "t: item 0: unknown field 'wieght'")]
    [InlineData("t = [a.pt, { weight = 2 }]", "t: item 1: an object without 'path'")]
    [InlineData("t = [{ path = a.pt, output = [1] }]", "t: item 0: field 'output' is not a scalar")]
    public void GetRecordList_BadItem_NamesKeyItemAndProblem(string text, string expected)
    {
        var section = _config.Load(text).Root;

        var error = Assert.Throws<InvalidConfigurationException>(() => section.GetRecordList("t", "path", s_fields));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("expected an array of strings or objects { path = ..., weight = ..., output = ... }", error.Message, StringComparison.Ordinal);
    }
}
