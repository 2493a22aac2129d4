using Microsoft.Extensions.Configuration;

namespace MultiTeacher.Configuration.Tests;

/// <summary>AddHoconFile: HOCON as a Microsoft.Extensions.Configuration source.</summary>
public sealed class ConfigurationProviderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed class NodeOptions
    {
        public int Threads { get; set; }

        public double Temperature { get; set; }

        public bool Verbose { get; set; }

        public List<string> Teachers { get; set; } = [];

        public Dictionary<string, int> Weights { get; set; } = [];
    }

    [Fact]
    public void AddHoconFile_NestedObjectsAndArrays_BecomeColonAndIndexKeys()
    {
        string file = _dir.Write("c.hocon", "node { threads = 4, teachers = [resnet, vit] }\nempty = []\nnothing = null");

        var configuration = new ConfigurationBuilder().AddHoconFile(file).Build();

        Assert.Equal("4", configuration["node:threads"]);
        Assert.Equal("4", configuration["NODE:Threads"]);
        Assert.Equal("resnet", configuration["node:teachers:0"]);
        Assert.Equal("vit", configuration["node:teachers:1"]);
        Assert.Equal("", configuration["nothing"]);
        Assert.Null(configuration["empty"]);
        Assert.Contains(configuration.AsEnumerable(), kv => kv.Key == "empty");
    }

    [Fact]
    public void AddHoconFile_Options_BindAsFromAnyOtherSource()
    {
        string file = _dir.Write("c.hocon", """
            node {
              threads = 4
              temperature = 2.5
              verbose = true
              teachers = [resnet, vit]
              teachers += mlp
              weights { resnet = 2, vit = 1 }
            }
            """);

        var options = new ConfigurationBuilder().AddHoconFile(file).Build().GetSection("node").Get<NodeOptions>()!;

        Assert.Equal((4, 2.5), (options.Threads, options.Temperature));
        Assert.Equal(["resnet", "vit", "mlp"], options.Teachers);
        Assert.Equal(2, options.Weights["resnet"]);
        Assert.True(options.Verbose);
    }

    [Fact]
    public void AddHoconFile_MissingOptionalFile_AddsNothing()
    {
        var configuration = new ConfigurationBuilder().AddHoconFile(Path.Combine(_dir.Path, "absent.hocon"), optional: true).Build();

        Assert.Empty(configuration.AsEnumerable());
    }

    [Fact]
    public void AddHoconFile_MissingRequiredFile_FailsOnBuild()
    {
        var builder = new ConfigurationBuilder().AddHoconFile(Path.Combine(_dir.Path, "absent.hocon"));

        Assert.Throws<HoconException>(builder.Build);
    }

    [Fact]
    public void AddHoconFile_SubstitutionsFromTheGivenEnvironment_Resolve()
    {
        string file = _dir.Write("c.hocon", "uri = ${?RABBIT_URI}\nhost = ${HOST}");
        var options = new HoconLoadOptions { Environment = new Dictionary<string, string> { ["HOST"] = "node-1" } };

        var configuration = new ConfigurationBuilder().AddHoconFile(file, optional: false, options).Build();

        Assert.Equal("node-1", configuration["host"]);
        Assert.Null(configuration["uri"]);
    }

    [Fact]
    public void AddHoconFile_LaterProviders_OverrideIt()
    {
        string file = _dir.Write("c.hocon", "a { b = 1, c = 2 }");

        var configuration = new ConfigurationBuilder()
            .AddHoconFile(file)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["a:b"] = "9" })
            .Build();

        Assert.Equal(("9", "2"), (configuration["a:b"], configuration["a:c"]));
    }
}
