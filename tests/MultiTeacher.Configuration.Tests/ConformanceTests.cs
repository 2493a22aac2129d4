using System.Text.Json.Nodes;

namespace MultiTeacher.Configuration.Tests;

/// <summary>
/// Lightbend's equivalence cases (Conformance/hocon, copied from lightbend/config's test resources): in each folder,
/// every .conf and .json file resolves to the same tree as original.json, read by System.Text.Json.
/// </summary>
public sealed class ConformanceTests
{
    private static readonly string s_root = Path.Combine(AppContext.BaseDirectory, "Conformance", "hocon");

    public static TheoryData<string> Cases()
    {
        var cases = new TheoryData<string>();
        foreach (string folder in Directory.GetDirectories(s_root, "equiv*").Order(StringComparer.Ordinal))
        {
            foreach (string file in Directory.GetFiles(folder).Where(f => f.EndsWith(".conf", StringComparison.Ordinal)
                || f.EndsWith(".json", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                cases.Add(Path.GetRelativePath(s_root, file));
            }
        }
        return cases;
    }

    [Fact]
    public void Cases_ConformanceFolder_HoldsEveryFolder()
    {
        Assert.Equal(["equiv01", "equiv02", "equiv04", "equiv05"],
            Directory.GetDirectories(s_root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(Cases().Count >= 17);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Load_ConformanceFile_EqualsOriginalJson(string relativePath)
    {
        string file = Path.Combine(s_root, relativePath);
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(file)!, "original.json")));

        var config = HoconConfig.Load(file, new HoconLoadOptions { Environment = TestHocon.NoEnvironment });

        TestHocon.AssertJsonEqual(expected, JsonNode.Parse(config.ToJson()));
    }
}
