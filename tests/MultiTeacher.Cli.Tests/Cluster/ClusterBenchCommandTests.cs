using System.Text.Json;

namespace MultiTeacher.Cli.Tests.Cluster;

/// <summary>
/// <c>mt bench cluster --json</c> starts its teacher processes, measures, stops them and prints one JSON object per row
/// with the keys, and nothing else on standard output (Akka's log lines once came between them).
/// </summary>
public sealed class ClusterBenchCommandTests
{
    [Fact]
    public async Task BenchCluster_Json_OneLinePerRowWithTheKeys()
    {
        var (code, stdout, stderr) = await MtProcess.RunAsync(
            ["bench", "cluster", "--json", "--processes", "1", "--rounds", "1", "--teacher", "mlp:784-64-10", "--shard-size", "8192"], timeout: TimeSpan.FromMinutes(3));

        Assert.True(code == 0, $"exit {code}: {stderr}");
        var line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var row = JsonDocument.Parse(line);
        var root = row.RootElement;
        Assert.Equal(1, root.GetProperty("processes").GetInt32());
        var (served, inProcess) = (root.GetProperty("samples_per_s").GetDouble(), root.GetProperty("in_process_samples_per_s").GetDouble());
        Assert.True(served > 0 && inProcess > 0, line);
        Assert.Equal(served / inProcess, root.GetProperty("ratio").GetDouble(), 0.001);
        Assert.True(root.GetProperty("messages_per_s").GetDouble() > 0, line);
        // Each shard's soft targets: 8,192 rows × 10 classes × 4 bytes, at least, per message.
        Assert.True(root.GetProperty("bytes_per_s").GetDouble() >= root.GetProperty("messages_per_s").GetDouble() * 8192 * 10 * 4 * 0.5, line);
    }
}
