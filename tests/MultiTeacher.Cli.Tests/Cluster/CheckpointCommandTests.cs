using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Models;

namespace MultiTeacher.Cli.Tests.Cluster;

/// <summary><c>mt checkpoint publish</c> refuses what cannot be a teacher checkpoint before it joins any cluster.</summary>
public sealed class CheckpointCommandTests
{
    [Fact]
    public async Task Publish_MissingFile_UsageErrorNamingIt()
    {
        using var dir = new TempDirectory();
        var missing = Path.Combine(dir.Path, "t0.safetensors");

        var (code, _, stderr) = await MtProcess.RunAsync(["checkpoint", "publish", missing, "--model-id", "t0", "--seed-nodes", "akka.tcp://multiteacher@127.0.0.1:1"]);

        Assert.Equal(2, code);
        Assert.Contains($"{missing}: no such file", stderr);
    }

    [Fact]
    public async Task Publish_VersionZero_UsageError()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "t0.safetensors");
        ModelCheckpoint.Save(Model.Create("mlp:784-16-10", 1), file, new Dictionary<string, string>());

        var (code, _, stderr) = await MtProcess.RunAsync(["checkpoint", "publish", file, "--model-id", "t0", "--version", "0",
            "--seed-nodes", "akka.tcp://multiteacher@127.0.0.1:1"]);

        Assert.Equal(2, code);
        Assert.Contains("--version must be positive", stderr);
    }
}
