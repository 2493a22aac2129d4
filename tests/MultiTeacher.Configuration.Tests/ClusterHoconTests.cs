using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Akka.Actor;

namespace MultiTeacher.Configuration.Tests;

/// <summary>The repository's cluster.hocon and the built-in defaults load, document every key, and configure Akka.</summary>
public sealed partial class ClusterHoconTests
{
    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MultiTeacher.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("no MultiTeacher.sln above " + AppContext.BaseDirectory);
    }

    internal static string ClusterHocon => Path.Combine(RepositoryRoot(), MultiTeacherConfiguration.DefaultFileName);

    public static TheoryData<string> DocumentedFiles() => ["cluster.hocon", "src/MultiTeacher.Configuration/reference.conf"];

    /// <summary>A record of the kind the pipeline sends: plain data only.</summary>
    private sealed record TeacherLogits(string ShardId, float[] Logits);

    [Fact]
    public void Load_RepositoryClusterHocon_Resolves()
    {
        var loaded = MultiTeacherConfiguration.Load(ClusterHocon, [], TestConfig.NoEnvironment);

        Assert.InRange(loaded.Root.GetInt("multiteacher.threads"), 1, 1024);
        Assert.True(loaded.Section("multiteacher.distill").GetDuration("shard-deadline") > TimeSpan.Zero);
        Assert.Equal("hyperion", loaded.Config.GetString("akka.actor.serialization-bindings.\"System.Object\""));
    }

    [Fact]
    public void Load_RepositoryClusterHocon_HoldsTheKeysOfTheBuiltInDefaults()
    {
        static IEnumerable<string> Keys(JsonNode? node, string prefix) => node is JsonObject obj
            ? obj.SelectMany(p => Keys(p.Value, ConfigPath.Combine(prefix, ConfigPath.Quote(p.Key))).Prepend(ConfigPath.Combine(prefix, ConfigPath.Quote(p.Key))))
            : [];

        var fileAlone = AkkaHocon.Parse([new HoconSource("cluster.hocon", File.ReadAllText(ClusterHocon), RepositoryRoot())], TestConfig.NoEnvironment);
        var defaults = MultiTeacherConfiguration.Load(null, [], TestConfig.NoEnvironment);

        Assert.Equal(Keys(ConfigTree.ToJson(defaults.Config.Root), ""), Keys(ConfigTree.ToJson(fileAlone), ""));
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

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ActorSystem_FromTheLoadedConfig_SerializesRecordsWithHyperion(bool fromRepositoryFile)
    {
        var loaded = MultiTeacherConfiguration.Load(fromRepositoryFile ? ClusterHocon : null, [], TestConfig.NoEnvironment);
        var system = ActorSystem.Create("config-test", loaded.Config);
        try
        {
            var serializer = system.Serialization.FindSerializerFor(new TeacherLogits("epoch-0/shard-3", new float[10]));

            Assert.Equal("Akka.Serialization.HyperionSerializer", serializer.GetType().FullName);
            Assert.Equal("WARNING", system.Settings.Config.GetString("akka.loglevel"));
            Assert.Equal(loaded.Root.GetInt("multiteacher.threads"), system.Settings.Config.GetInt("multiteacher.threads"));
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>A line that starts a field: a key, then '=', ':', '+=' or '{'.</summary>
    [GeneratedRegex("""^\s*("[^"]*"|[A-Za-z0-9_.\-]+)+\s*(=|:|\+=|\{)""")]
    private static partial Regex FieldLine();
}
