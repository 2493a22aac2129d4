using System.Text.Json;

namespace MultiTeacher.Cli.Tests;

public sealed class ConfigCommandTests
{
    [Fact]
    public async Task ConfigShow_JsonWithSet_PrintsTheResolvedTreeSecretsMasked()
    {
        using var dir = new TempDirectory();
        var config = Path.Combine(dir.Path, "cluster.hocon");
        File.WriteAllText(config, "broker.password = guest\nmultiteacher.threads = 3\n");

        var (code, stdout, stderr) = await MtProcess.RunAsync(["config", "show", "--config", config, "--json", "--set", "multiteacher.distill.epochs=4"],
            new Dictionary<string, string> { ["MT_MULTITEACHER__DISTILL__BATCH"] = "64" });

        Assert.True(code == 0, $"exit {code}: {stderr}");
        using var tree = JsonDocument.Parse(stdout);
        var root = tree.RootElement;
        Assert.Equal("***", root.GetProperty("broker").GetProperty("password").GetString());
        Assert.Equal(3, root.GetProperty("multiteacher").GetProperty("threads").GetInt32());
        Assert.Equal(4, root.GetProperty("multiteacher").GetProperty("distill").GetProperty("epochs").GetInt32());
        Assert.Equal(64, root.GetProperty("multiteacher").GetProperty("distill").GetProperty("batch").GetInt32());
        Assert.Equal("hyperion", root.GetProperty("akka").GetProperty("actor").GetProperty("serialization-bindings").GetProperty("System.Object").GetString());
    }

    [Fact]
    public async Task ConfigShow_MalformedFile_FailsWithTheErrorPrefixOfEveryCommand()
    {
        using var dir = new TempDirectory();
        var config = Path.Combine(dir.Path, "broken.hocon");
        File.WriteAllText(config, "multiteacher {\n  threads! = 2\n}\n");

        var (code, stdout, stderr) = await MtProcess.RunAsync(["config", "show", "--config", config]);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Equal($"mt: error: {config}:2:10: unexpected '!' (Akka's HOCON parser: Unknown token)\n", stderr);
    }

    [Fact]
    public async Task ConfigShow_ArrayAkkasParserLoopsOn_FailsAfterTheDeadlineNamingTheFile()
    {
        using var dir = new TempDirectory();
        var config = Path.Combine(dir.Path, "loops.hocon");
        File.WriteAllText(config, "multiteacher {\n  distill {\n    teachers = [a.safetensors\n  }\n}\n");

        var (code, _, stderr) = await MtProcess.RunAsync(["config", "show", "--config", config], timeout: TimeSpan.FromMinutes(1));

        Assert.Equal(2, code);
        Assert.StartsWith($"mt: error: {config}: Akka's HOCON parser did not finish within 5 s", stderr, StringComparison.Ordinal);
    }
}
