using System.Globalization;
using System.Text.Json;

namespace MultiTeacher.Cli.Tests;

public sealed class BenchClusterCommandTests
{
    /// <summary>
    /// The whole path on quick settings: a throwaway broker, one teacher process, one short round per side. Needs root
    /// and Debian's rabbitmq-server, which <c>./mt test</c> installs.
    /// </summary>
    [Fact]
    public async Task BenchCluster_QuickSettings_PrintsOneJsonLinePerConfigurationWithPositiveFigures()
    {
        var (code, stdout, stderr) = await MtProcess.RunAsync(
            ["bench", "cluster", "--json", "--seconds", "1", "--rounds", "1", "--processes", "1", "--shard-size", "256"],
            timeout: TimeSpan.FromSeconds(100));

        Assert.True(code == 0, $"exit {code}; stderr: {stderr}");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal("cluster", root.GetProperty("bench").GetString());
        Assert.Equal(1, root.GetProperty("processes").GetInt32());
        Assert.Equal(256, root.GetProperty("shard_size").GetInt32());
        foreach (var field in new[] { "samples_per_s", "in_process_samples_per_s", "ratio", "messages_per_s", "bytes_per_s" })
        {
            var value = root.GetProperty(field).GetDouble();
            Assert.True(value > 0, string.Create(CultureInfo.InvariantCulture, $"{field} = {value} in {line}"));
        }
    }
}
