using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MultiTeacher.Cli.Tests.Cluster;

/// <summary>
/// One <c>mt node</c> process of the built CLI, its output collected as it comes (so a chatty node never blocks on a
/// full pipe). Disposing kills it if it still runs.
/// </summary>
internal sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NodeProcess(string name, IEnumerable<string> args)
    {
        Name = name;
        _process = MtProcess.Start(["node", .. args]);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the node printed so far (stdout and stderr, interleaved).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>mt node</c> with <paramref name="args"/>.</summary>
    public static NodeProcess Start(string name, params string[] args) => new(name, args);

    /// <summary>
    /// Runs the distillation of <paramref name="config"/> on a coordinator process (the seed, writing to
    /// <paramref name="outDirectory"/>) and one teacher process that joins it; fails with both outputs unless the
    /// coordinator exits 0 within <paramref name="timeout"/>. Returns the teacher process's output.
    /// </summary>
    public static async Task<string> RunCoordinatorAndTeacherAsync(string config, string outDirectory, TimeSpan timeout)
    {
        var seedPort = FreePort();
        string[] common = ["--config", config, "--hostname", "127.0.0.1", "--set", "akka.cluster.role.teacher.min-nr-of-members=1"];
        using var coordinator = Start("coordinator", [.. common, "--roles", "coordinator,aggregator,student", "--port", $"{seedPort}", "--out", outDirectory]);
        await coordinator.WaitForOutputAsync("starts a new cluster", timeout);
        using var teacher = Start("teacher", [.. common, "--roles", "teacher", "--port", "0", "--seed-nodes", $"akka.tcp://multiteacher@127.0.0.1:{seedPort}"]);
        Assert.True(await coordinator.WaitAsync(timeout) == 0, $"coordinator failed:\n{coordinator.Output}\nteacher:\n{teacher.Output}");
        teacher.Terminate();
        await teacher.WaitAsync(TimeSpan.FromSeconds(30));
        return teacher.Output;
    }

    /// <summary>A port no one listens on now (the OS's choice), for a seed node that others must be told about.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>kill -9: the node vanishes without leaving the cluster.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: false);

    /// <summary>SIGTERM, as systemctl stop or the local cluster's <c>down</c> send it.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits until the node has printed <paramref name="text"/>; fails if it ends first or the time runs out.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || clock.Elapsed > timeout)
            {
                throw new TimeoutException($"node {Name} did not print \"{text}\" ({(_process.HasExited ? "it ended" : "time out")}); its output:\n{Output}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Waits for the process to end; a timeout names the node and shows its output.</summary>
    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"node {Name} did not end within {timeout.TotalSeconds} s; its output:\n{Output}");
        }

        _process.WaitForExit(); // the output handlers have run
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
