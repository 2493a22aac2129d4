using System.Text.Json.Nodes;

namespace MultiTeacher.Configuration.Tests;

/// <summary>The standard stack: defaults, file, MT_ environment variables, --set overrides.</summary>
public sealed class MultiTeacherConfigurationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string File(string text) => _dir.Write("cluster.hocon", text);

    private static Dictionary<string, string> Env(params (string Name, string Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => v.Value);

    [Fact]
    public void Load_EnvironmentVariable_OverridesTheFileIgnoringCase()
    {
        string file = File("multiteacher { threads = 2, nodeName = a }");

        var configuration = MultiTeacherConfiguration.Load(file, [],
            Env(("MT_MULTITEACHER__THREADS", "4"), ("mt_multiteacher__NODENAME", "b"), ("OTHER", "x")));

        Assert.Equal(("4", "b"), (configuration["multiteacher:threads"], configuration["multiteacher:nodeName"]));
        Assert.Null(configuration["OTHER"]);
    }

    [Fact]
    public void LoadTree_EnvironmentOverride_KeepsTheFilesKeyName()
    {
        var tree = MultiTeacherConfiguration.LoadTree(File("multiteacher { nodeName = a }"), [],
            Env(("MT_MULTITEACHER__NODENAME", "b")), withDefaults: false);

        Assert.Equal("""{"multiteacher":{"nodeName":"b"}}""", tree.ToJson(indented: false));
    }

    [Fact]
    public void Load_SetOverride_WinsOverTheEnvironment()
    {
        string file = File("multiteacher.threads = 2");

        var configuration = MultiTeacherConfiguration.Load(file, ["multiteacher.threads=8"], Env(("MT_MULTITEACHER__THREADS", "4")));

        Assert.Equal("8", configuration["multiteacher:threads"]);
    }

    [Fact]
    public void LoadTree_SetOverrides_CreateKeysAndAddressArrayElements()
    {
        string file = File("teachers = [a, b]\nx { y = 1 }");

        var tree = MultiTeacherConfiguration.LoadTree(file,
            ["teachers.1=c", "teachers.2=d", "x.z.w=deep", "\"dotted.key\"=v", "x.y = spaced = value"], Env(), withDefaults: false);

        Assert.Equal(["a", "c", "d"], tree.GetStringList("teachers"));
        Assert.Equal("deep", tree.GetString("x.z.w"));
        Assert.Equal("v", tree.GetString("\"dotted.key\""));
        Assert.Equal(" spaced = value", tree.GetString("x.y"));
    }

    [Fact]
    public void LoadTree_OverrideValue_IsAStringThatTypedGettersConvert()
    {
        var tree = MultiTeacherConfiguration.LoadTree(File("threads = 2"), ["threads=6"], Env(), withDefaults: false);

        Assert.Equal(6, tree.GetInt("threads"));
        Assert.Equal("""{"threads":"6"}""", tree.ToJson(indented: false));
    }

    [Theory]
    [InlineData("threads", "--set threads: expected key.path=value")]
    [InlineData("=4", "--set =4: expected key.path=value")]
    [InlineData("a..b=1", "--set a..b=1: 'a..b' is not a path")]
    public void LoadTree_MalformedSet_FailsWithoutAResult(string set, string message)
    {
        var e = Assert.Throws<HoconException>(() => MultiTeacherConfiguration.LoadTree(File("a = 1"), ["a=2", set], Env()));

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadTree_EnvironmentVariableWithAnEmptySegment_Fails() =>
        Assert.Throws<HoconException>(() => MultiTeacherConfiguration.LoadTree(File("a = 1"), [], Env(("MT_A____B", "1"))));

    [Fact]
    public void LoadTree_WithoutDefaults_HoldsOnlyTheFile()
    {
        string file = File("own = 1");

        Assert.Equal("""{"own":1}""", MultiTeacherConfiguration.LoadTree(file, [], Env(), withDefaults: false).ToJson(indented: false));
        Assert.Equal(2, MultiTeacherConfiguration.LoadTree(file, [], Env(), withDefaults: true).GetInt("multiteacher.threads"));
    }

    [Fact]
    public void LoadTree_FileSubstitution_SeesTheDefaults()
    {
        var tree = MultiTeacherConfiguration.LoadTree(File("workers = ${multiteacher.threads}"), [], Env());

        Assert.Equal(2, tree.GetInt("workers"));
    }

    [Fact]
    public void LoadTree_NoFile_IsTheDefaultsAndOverrides()
    {
        var tree = MultiTeacherConfiguration.LoadTree(null, ["multiteacher.threads=3"], Env());

        Assert.Equal(3, tree.GetInt("multiteacher.threads"));
    }

    [Fact]
    public void LoadTree_FileWithEnvironmentSubstitution_UsesTheGivenEnvironment()
    {
        string file = File("rabbitmq.uri = \"amqp://localhost\"\nrabbitmq.uri = ${?MT_RABBITMQ_URI}");

        var tree = MultiTeacherConfiguration.LoadTree(file, [], Env(("MT_RABBITMQ_URI", "amqp://broker:5672")), withDefaults: false);

        Assert.Equal("amqp://broker:5672", tree.GetString("rabbitmq.uri"));
    }

    [Fact]
    public void LoadTree_EnvironmentVariableWithoutNesting_IsNotAnOverride()
    {
        string file = File("a = 1");

        var tree = MultiTeacherConfiguration.LoadTree(file, [], Env(("MT_HOME", "/srv/mt"), ("MT_A", "2"), ("MT_B__C", "3")), withDefaults: false);

        Assert.False(tree.HasPath("MT_HOME") || tree.HasPath("HOME") || tree.HasPath("A"));
        Assert.Equal(1, tree.GetInt("a"));
        Assert.Equal(3, tree.GetInt("B.C"));
    }

    [Fact]
    public void LoadTree_BrokenFile_Throws()
    {
        string file = File("a = {");

        Assert.Throws<HoconParseException>(() => MultiTeacherConfiguration.Load(file, ["a=1"], Env()));
    }

    [Fact]
    public void LoadDefaults_EmbeddedReference_HasTheProjectDefaults()
    {
        var defaults = MultiTeacherConfiguration.LoadDefaults(Env());

        Assert.Equal(2, defaults.GetInt("multiteacher.threads"));
        Assert.NotNull(JsonNode.Parse(defaults.ToJson()));
    }

    [Fact]
    public void Show_Hocon_PrintsTheResolvedTreeWithOverridesAndSecretsMasked()
    {
        string file = File("broker { uri = \"amqp://mt:guest@rabbit:5672/\", password = guest }\nnode { threads = ${multiteacher.threads} }");

        string text = MultiTeacherConfiguration.Show(file, ["node.name=n1"], json: false, withDefaults: true,
            Env(("MT_NODE__THREADS", "3")));

        // The built-in defaults come first and grow with the project; the file's own part follows them.
        Assert.StartsWith("multiteacher {\n  threads = 2\n", text);
        Assert.EndsWith("""
            broker {
              uri = "amqp://mt:***@rabbit:5672/"
              password = "***"
            }
            node {
              threads = "3"
              name = "n1"
            }

            """, text);
    }

    [Fact]
    public void Show_JsonWithoutDefaults_PrintsOnlyTheFile()
    {
        string text = MultiTeacherConfiguration.Show(File("a { token = abc, b = 1 }"), [], json: true, withDefaults: false, Env());

        Assert.Equal("{\n  \"a\": {\n    \"token\": \"***\",\n    \"b\": 1\n  }\n}\n", text);
    }
}
