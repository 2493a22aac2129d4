using System.Text.Json.Nodes;
using Akka.Configuration;
using static MultiTeacher.Configuration.Tests.TestConfig;

namespace MultiTeacher.Configuration.Tests;

/// <summary>What `mt config show` prints: the resolved tree, secrets masked, as HOCON or JSON.</summary>
public sealed class ShowTests : IDisposable
{
    private readonly TestConfig _config = new();

    public void Dispose() => _config.Dispose();

    [Fact]
    public void Show_Hocon_PrintsTheResolvedTreeWithOverridesAndSecretsMasked()
    {
        string file = _config.File("broker { uri = \"amqp://mt:guest@rabbit:5672/\", password = guest }\nnode { threads = ${multiteacher.threads} }");

        string text = MultiTeacherConfiguration.Show(file, ["node.name=n1"], json: false, environment: Env(("MT_NODE__THREADS", "3")));

        // The built-in defaults come first and grow with the project; the file's own part follows them.
        Assert.StartsWith("akka {\n  loggers = [\"MultiTeacher.Configuration.StandardErrorLogger, MultiTeacher.Configuration\"]\n", text, StringComparison.Ordinal);
        Assert.Contains("\n      \"System.Object\" = \"hyperion\"\n", text, StringComparison.Ordinal);
        Assert.EndsWith("""
            broker {
              uri = "amqp://mt:***@rabbit:5672/"
              password = "***"
            }
            node {
              threads = 3
              name = "n1"
            }

            """, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_Json_IsIndentedJsonOfTheSameTree()
    {
        string text = MultiTeacherConfiguration.Show(_config.File("a { token = abc, b = 1, c = [], d = null, e = 1.0 }"), [], json: true,
            environment: NoEnvironment);

        var tree = JsonNode.Parse(text)!;
        Assert.Equal("""{"token":"***","b":1,"c":[],"d":null,"e":1.0}""", tree["a"]!.ToJsonString());
        Assert.Equal(2, tree["multiteacher"]!["threads"]!.GetValue<int>());
        Assert.Contains("\n  \"multiteacher\": {\n    \"threads\": 2,", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_Hocon_ParsesBackWithAkkaToTheSameTree()
    {
        string file = _config.File("""
            multiteacher { name = "node \"one\"", ratio = 1.0, empty = {}, list = [1, two, [3]], objects = [{ a = 1 }] }
            "dotted.key" = v
            multi = "line one\nline two"
            """);

        string text = MultiTeacherConfiguration.Show(file, [], json: false, environment: NoEnvironment);

        var reparsed = ConfigTree.ToJson(ConfigurationFactory.ParseString(text).Root);
        Assert.Equal(JsonNode.Parse(MultiTeacherConfiguration.Show(file, [], json: true, environment: NoEnvironment))!.ToJsonString(), reparsed!.ToJsonString());
    }

    [Fact]
    public void Show_WithAkkaDefaults_AddsAkkasOwnSettingsBeneath()
    {
        var tree = JsonNode.Parse(MultiTeacherConfiguration.Show(null, [], json: true, withAkkaDefaults: true, environment: NoEnvironment))!;

        Assert.Equal("WARNING", tree["akka"]!["loglevel"]!.GetValue<string>());
        Assert.NotNull(tree["akka"]!["actor"]!["default-dispatcher"]);
        Assert.Equal("hyperion", tree["akka"]!["actor"]!["serialization-bindings"]!["System.Object"]!.GetValue<string>());
    }
}
