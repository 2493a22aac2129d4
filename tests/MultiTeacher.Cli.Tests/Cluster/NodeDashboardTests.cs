using System.Text.Json;
using System.Text.RegularExpressions;

namespace MultiTeacher.Cli.Tests.Cluster;

/// <summary>
/// <c>mt node --dashboard</c>: a coordinator node serves the live dashboard of its run, with the cluster's members
/// from Akka.Cluster's membership, and links the report when the run is over.
/// </summary>
public sealed partial class NodeDashboardTests
{
    private static readonly TimeSpan s_run = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task CoordinatorNode_WithDashboard_ShowsItsMemberAndRolesWhileTheRunTrains_ThenLinksTheReport()
    {
        using var dir = new TempDirectory();
        var config = ClusterRunFolder.Write(dir.Path);
        var outDirectory = Path.Combine(dir.Path, "run");
        using var node = NodeProcess.Start("node", "--config", config, "--hostname", "127.0.0.1", "--port", "0",
            "--roles", "coordinator,aggregator,student,teacher", "--out", outDirectory, "--dashboard", "0");
        await node.WaitForOutputAsync("mt: dashboard at ", s_run);
        var url = UrlPattern().Match(node.Output);
        Assert.True(url.Success, $"no dashboard URL in the node's output:\n{node.Output}");
        using var http = new HttpClient { BaseAddress = new Uri(url.Value) };

        // Poll as a script would: the member with its roles, and trained shards, while the run goes on.
        (string Roles, int Trained)? seen = null;
        while (!node.HasExited)
        {
            try
            {
                using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/status", UriKind.Relative)));
                var members = status.RootElement.GetProperty("cluster").GetProperty("members");
                var trained = status.RootElement.GetProperty("shards").GetProperty("trained").GetInt32();
                if (members.GetArrayLength() == 1 && trained > 0)
                {
                    seen = (string.Join(",", members[0].GetProperty("roles").EnumerateArray().Select(r => r.GetString())), trained);
                    Assert.True(members[0].GetProperty("reachable").GetBoolean());
                    break;
                }
            }
            catch (HttpRequestException) when (node.HasExited)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.True(await node.WaitAsync(s_run) == 0, $"the node failed:\n{node.Output}");
        Assert.True(seen is not null, $"the dashboard never showed a member with trained shards:\n{node.Output}");
        Assert.Contains("coordinator", seen.Value.Roles, StringComparison.Ordinal);
        Assert.Contains("teacher", seen.Value.Roles, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDirectory, "report.html")));
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:[0-9]+/")]
    private static partial Regex UrlPattern();
}
