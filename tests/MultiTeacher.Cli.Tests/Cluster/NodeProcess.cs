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
