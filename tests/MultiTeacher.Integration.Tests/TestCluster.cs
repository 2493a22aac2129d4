using System.Text.Json;

namespace MultiTeacher.Integration.Tests;

/// <summary>The processes of one test's cluster, on its own queue prefix; every process is killed at the end.</summary>
internal sealed class TestCluster(ClusterFixture fixture) : IDisposable
{
    private readonly List<NodeProcess> _processes = [];

    public string Prefix { get; } = fixture.NewPrefix();

    public string Out { get; } = Path.Combine(fixture.Directory, $"run-{Guid.NewGuid():N}");

    /// <summary>Starts `mt node --roles ROLES` and waits until it has joined the broker.</summary>
    public async Task<NodeProcess> StartNodeAsync(string name, string roles, string? teachers = null)
    {
        var node = StartNode(name, roles, teachers);
        await node.WaitForAsync("joined", TimeSpan.FromSeconds(60));
        return node;
    }

    /// <summary>Starts nodes side by side (name, roles, teachers) and waits until all have joined.</summary>
    public async Task<NodeProcess[]> StartNodesAsync(params (string Name, string Roles, string? Teachers)[] nodes)
    {
        var started = nodes.Select(n => StartNode(n.Name, n.Roles, n.Teachers)).ToArray();
        await Task.WhenAll(started.Select(n => n.WaitForAsync("joined", TimeSpan.FromSeconds(60))));
        return started;
    }

    private NodeProcess StartNode(string name, string roles, string? teachers)
    {
        var args = new List<string> { "node", "--roles", roles, "--node-id", name };
        if (teachers is not null)
        {
            args.AddRange(["--teachers", teachers]);
        }

        return Start(name, args);
    }

    /// <summary>Starts the coordinator of the run configured in the fixture, writing to <see cref="Out"/>.</summary>
    public NodeProcess StartCoordinator(params string[] extra) =>
        Start("coordinator", ["node", "--roles", "coordinator", "--out", Out, .. extra]);

    /// <summary>Starts a coordinator that goes on with the run stopped in <see cref="Out"/> (`--resume`).</summary>
    public NodeProcess ResumeCoordinator() => Start("coordinator-resumed", ["node", "--roles", "coordinator", "--resume", Out]);

    public NodeProcess Start(string name, IEnumerable<string> args)
    {
        var process = NodeProcess.Start(name, [.. args, "--config", fixture.Config, "--set", $"multiteacher.cluster.prefix={Prefix}"], fixture.Environment);
        _processes.Add(process);
        return process;
    }

    /// <summary>Waits for the coordinator to finish the run successfully and returns summary.json.</summary>
    public async Task<JsonElement> CompletedSummaryAsync(NodeProcess coordinator)
    {
        int exit;
        try
        {
            exit = await coordinator.WaitForExitAsync(TimeSpan.FromMinutes(3));
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}\n{Logs()}", timeout);
        }

        Assert.True(exit == 0, $"the coordinator failed ({exit}):\n{coordinator.Output}\n{Logs()}");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Out, "summary.json")));
        return json.RootElement.Clone();
    }

    /// <summary>Waits until the student has saved its state after at least <paramref name="minimumShards"/> shards.</summary>
    public async Task WaitForStudentStateAsync(int minimumShards = 3)
    {
        var state = Path.Combine(Out, "state", "student.safetensors");
        var timeout = TimeSpan.FromSeconds(60);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(state) && NextShard(state) >= minimumShards)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"the student saved no state after {minimumShards} shards within {timeout.TotalSeconds} s:\n{Logs()}");
    }

    /// <summary>Every process's output, for failure messages.</summary>
    public string Logs() => string.Join("\n", _processes.Select(p => $"--- {p.Name}\n{p.Output}"));

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }
    }

    private static int NextShard(string state)
    {
        try
        {
            var metadata = Core.Checkpoints.Safetensors.Read(state).Metadata;
            return int.Parse(metadata["next_shard"], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
