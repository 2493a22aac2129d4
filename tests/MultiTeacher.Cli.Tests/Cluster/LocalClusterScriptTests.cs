using System.Text.Json;
using Xunit.Abstractions;

namespace MultiTeacher.Cli.Tests.Cluster;

/// <summary>
/// What the README tells a new user to run, run as they would: <c>deploy/local-cluster.sh up</c> without options,
/// <c>status</c>, <c>./mt cluster demo --quick</c> on that cluster, <c>down</c>; and the script's refusals.
/// The cluster's state goes to a temporary folder (<c>MT_CLUSTER_DIR</c>), never to runs/ of the repository.
/// </summary>
public sealed class LocalClusterScriptTests(ITestOutputHelper output)
{
    private static readonly string s_script = Repository.PathOf("deploy", "local-cluster.sh");

    [Fact]
    public async Task Up_Status_ClusterDemoQuick_Down_AsTheReadmeSays()
    {
        using var dir = new TempDirectory();
        var environment = new Dictionary<string, string> { ["MT_CLUSTER_DIR"] = Path.Combine(dir.Path, "cluster") };
        try
        {
            var up = await ScriptAsync(["up"], environment);
            Assert.True(up.ExitCode == 0, $"up: exit {up.ExitCode}: {up.Err}");
            Assert.Contains("2 teacher node(s) up", up.Err, StringComparison.Ordinal);

            var status = await ScriptAsync(["status"], environment);
            Assert.Contains("teacher-1: running", status.Out, StringComparison.Ordinal);
            Assert.Contains("teacher-2: running", status.Out, StringComparison.Ordinal);
            Assert.Matches(@"seed: akka\.tcp://multiteacher@127\.0\.0\.1:\d+", status.Out);

            var again = await ScriptAsync(["up"], environment);
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("a local cluster is up already", again.Err, StringComparison.Ordinal);

            var run = Path.Combine(dir.Path, "run");
            var demo = await MtProcess.RunAsync(["cluster", "demo", "--quick", "--out", run, "--models", Path.Combine(dir.Path, "models")], environment,
                TimeSpan.FromMinutes(4));
            output.WriteLine(demo.Out);
            Assert.True(demo.ExitCode == 0, $"cluster demo: exit {demo.ExitCode}: {demo.Err}");
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json")));
            var root = summary.RootElement;
            Assert.Equal("akka.cluster", root.GetProperty("transport").GetString());
            var shards = root.GetProperty("shards");
            var planned = shards.GetProperty("planned").GetInt32();
            Assert.True(planned > 0);
            Assert.Equal((planned, planned, 0), (shards.GetProperty("aggregated").GetInt32(), shards.GetProperty("trained").GetInt32(),
                shards.GetProperty("duplicates_dropped").GetInt32()));
            Assert.InRange(root.GetProperty("students").GetProperty("distilled_few_labels").GetProperty("test_accuracy").GetDouble(), 0.5, 1.0);
        }
        finally
        {
            var down = await ScriptAsync(["down"], environment);
            Assert.True(down.ExitCode == 0, $"down: exit {down.ExitCode}: {down.Err}");
        }

        var after = await ScriptAsync(["status"], environment);
        Assert.Contains("no local cluster", after.Out, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "cluster", "pids")));
    }

    [Theory]
    [InlineData(new[] { "up", "--teachers", "two" }, "--teachers takes a positive number, got 'two'")]
    [InlineData(new[] { "up", "--replicas" }, "--replicas needs a value")]
    [InlineData(new[] { "up", "--config", "/nonexistent/cluster.hocon" }, "--config /nonexistent/cluster.hocon: no such file")]
    [InlineData(new[] { "sideways" }, "unknown command sideways")]
    public async Task BadArguments_ExitTwoAndSayWhy(string[] args, string message)
    {
        using var dir = new TempDirectory();

        var result = await ScriptAsync(args, new Dictionary<string, string> { ["MT_CLUSTER_DIR"] = dir.Path });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterDemo_WithoutACluster_SaysHowToStartOne()
    {
        using var dir = new TempDirectory();

        var result = await MtProcess.RunAsync(["cluster", "demo", "--quick", "--out", Path.Combine(dir.Path, "run")],
            new Dictionary<string, string> { ["MT_CLUSTER_DIR"] = dir.Path });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("deploy/local-cluster.sh up", result.Err, StringComparison.Ordinal);
    }

    private static Task<(int ExitCode, string Out, string Err)> ScriptAsync(IEnumerable<string> args, IDictionary<string, string> environment) =>
        MtProcess.RunProgramAsync("bash", [s_script, .. args], environment);
}
