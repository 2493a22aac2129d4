using System.Text.RegularExpressions;

namespace MultiTeacher.Configuration.Tests;

/// <summary>The repository's cluster.hocon and the built-in defaults load, and document every key they hold.</summary>
public sealed partial class ClusterHoconTests
{
    private static readonly IReadOnlyDictionary<string, string> s_noEnvironment = new Dictionary<string, string>();

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MultiTeacher.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("no MultiTeacher.sln above " + AppContext.BaseDirectory);
    }

    public static TheoryData<string> DocumentedFiles() => ["cluster.hocon", "src/MultiTeacher.Configuration/reference.conf"];

    [Fact]
    public void LoadTree_RepositoryClusterHocon_Resolves()
    {
        string file = Path.Combine(RepositoryRoot(), MultiTeacherConfiguration.DefaultFileName);

        var tree = MultiTeacherConfiguration.LoadTree(file, [], s_noEnvironment, withDefaults: false);
        var configuration = MultiTeacherConfiguration.Load(file, [], s_noEnvironment);

        Assert.InRange(tree.GetInt("multiteacher.threads"), 1, 1024);
        Assert.Equal(tree.GetString("multiteacher.threads"), configuration["multiteacher:threads"]);
    }

    [Theory]
    [MemberData(nameof(DocumentedFiles))]
    public void Lines_EveryKey_HasACommentAboveOrBeside(string relativePath)
    {
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), relativePath));

        var undocumented = lines
            .Select((line, i) => (Line: line, Number: i + 1, Above: i > 0 ? lines[i - 1].Trim() : ""))
            .Where(l => FieldLine().IsMatch(l.Line) && !l.Line.Contains(" #", StringComparison.Ordinal)
                && !l.Above.StartsWith('#') && !l.Above.StartsWith("//", StringComparison.Ordinal))
            .Select(l => $"{relativePath}:{l.Number}: {l.Line.Trim()}");

        Assert.Empty(undocumented);
    }

    /// <summary>A line that starts a field: a key, then '=', ':', '+=' or '{'.</summary>
    [GeneratedRegex("""^\s*("[^"]*"|[A-Za-z0-9_.\-]+)+\s*(=|:|\+=|\{)""")]
    private static partial Regex FieldLine();
}
