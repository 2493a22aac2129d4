using System.Diagnostics;
using System.Text.Json;
using MultiTeacher.Cluster.Testing;

namespace MultiTeacher.Integration.Tests;

/// <summary>
/// What the README tells users to do, as they would do it: deploy/local-cluster.sh up, `mt cluster demo --quick`,
/// deploy/local-cluster.sh down — its own broker on a free port, its own state folder.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LocalClusterTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"mt-local-cluster-{Guid.NewGuid():N}");
    private readonly string _root = RepositoryRoot();

    private string State => Path.Combine(_directory, "cluster");

    [Fact]
    public async Task LocalClusterUp_ClusterDemoQuick_DownLeavesNothingRunning()
    {
        var port = BrokerProcess.FreePortPair();
        var up = await RunAsync("bash", [Path.Combine(_root, "deploy", "local-cluster.sh"), "up", "--port", $"{port}"], TimeSpan.FromMinutes(3));
        Assert.True(up.Exit == 0, $"local-cluster.sh up failed:\n{up.Output}");
        Assert.Contains("5 nodes joined", up.Output, StringComparison.Ordinal);
        var pids = Directory.GetFiles(Path.Combine(State, "pids")).Select(f => int.Parse(File.ReadAllText(f).Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList();

        var outDir = Path.Combine(_directory, "out");
        var demo = await RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "mt.dll"), "cluster", "demo", "--quick", "--out", outDir, "--models",
            Path.Combine(_directory, "models")], TimeSpan.FromMinutes(5), UriOf(State));
        Assert.True(demo.Exit == 0, $"mt cluster demo failed:\n{demo.Output}\n{Logs()}");

        var down = await RunAsync("bash", [Path.Combine(_root, "deploy", "local-cluster.sh"), "down", "--port", $"{port}"], TimeSpan.FromMinutes(2));
        Assert.True(down.Exit == 0, $"local-cluster.sh down failed:\n{down.Output}");
        Assert.All(pids, pid => Assert.False(IsRunning(pid), $"node process {pid} still runs after down"));

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "summary.json")));
        var summary = json.RootElement;
        Assert.Equal("rabbitmq", summary.GetProperty("transport").GetString());
        var cluster = summary.GetProperty("cluster");
        Assert.Equal(5, cluster.GetProperty("nodes").GetInt32());
        Assert.Equal(0, cluster.GetProperty("dead_lettered").GetInt32());
        var shards = summary.GetProperty("shards");
        Assert.Equal(shards.GetProperty("planned").GetInt32(), shards.GetProperty("trained").GetInt32());
        Assert.Equal(0, shards.GetProperty("closed_incomplete").GetInt32());
        // Ten classes: a student that learned nothing sits near 10 %; the quick demo's students reach about 80 %.
        Assert.InRange(summary.GetProperty("students").GetProperty("distilled_few_labels").GetProperty("test_accuracy").GetDouble(), 0.6, 1.0);
    }

    public void Dispose()
    {
        if (Directory.Exists(Path.Combine(State, "pids")))
        {
            // A failed test must not leave nodes or the broker behind.
            using var down = Process.Start(new ProcessStartInfo("bash", [Path.Combine(_root, "deploy", "local-cluster.sh"), "down"])
            {
                Environment = { ["MT_CLUSTER_DIR"] = State }, RedirectStandardError = true,
            });
            down?.WaitForExit(60_000);
        }

        Directory.Delete(_directory, recursive: true);
    }

    private string Logs() => Directory.Exists(Path.Combine(State, "logs"))
        ? string.Join("\n", Directory.GetFiles(Path.Combine(State, "logs")).Select(f => $"--- {Path.GetFileName(f)}\n{File.ReadAllText(f)}"))
        : "";

    private static Dictionary<string, string> UriOf(string state) =>
        File.ReadAllLines(Path.Combine(state, "env")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private async Task<(int Exit, string Output)> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _root, Environment = { ["MT_CLUSTER_DIR"] = State },
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        // A process left behind holding the script's output (a node or the broker) would keep these open: fail, not hang.
        var leftOpen = TimeSpan.FromSeconds(10);
        return (process.ExitCode, await stdout.WaitAsync(leftOpen) + await stderr.WaitAsync(leftOpen));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "deploy", "local-cluster.sh")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no deploy/local-cluster.sh above {AppContext.BaseDirectory}");
    }
}
