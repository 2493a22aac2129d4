using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MultiTeacher.Cluster.Testing;

/// <summary>
/// A throwaway RabbitMQ broker (Debian's <c>rabbitmq-server</c>) for tests and local clusters: its own node name,
/// loopback port, directory (owned by the <c>rabbitmq</c> user, as the Debian wrapper requires) and user with a
/// password (no <c>guest</c>). Starting takes 5–10 s, so start one per test run. Must run as root.
/// </summary>
public sealed class BrokerProcess : IAsyncDisposable
{
    /// <summary>The server script the Debian package installs.</summary>
    public const string ServerPath = "/usr/sbin/rabbitmq-server";

    private const string ControlPath = "/usr/sbin/rabbitmqctl";

    private BrokerProcess(int port, string directory, string user, string password)
    {
        Port = port;
        Directory = directory;
        User = user;
        Password = password;
    }

    /// <summary>The AMQP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The broker's own directory (database, logs, configuration, pid file).</summary>
    public string Directory { get; }

    /// <summary>The Erlang node name, <c>mtPORT@localhost</c>, for <c>rabbitmqctl -n</c>.</summary>
    public string NodeName => $"mt{Port}@localhost";

    /// <summary>The user created at first start.</summary>
    public string User { get; }

    /// <summary>The user's password.</summary>
    public string Password { get; }

    /// <summary><c>amqp://user:password@127.0.0.1:port/</c>.</summary>
    public Uri Uri => new($"amqp://{Uri.EscapeDataString(User)}:{Uri.EscapeDataString(Password)}@127.0.0.1:{Port}/");

    /// <summary>Starts a broker in a new directory and waits until it accepts connections.</summary>
    /// <param name="user">The user to create; <c>null</c> for <c>mt</c>.</param>
    /// <param name="password">Its password; <c>null</c> for a random one.</param>
    /// <param name="timeout">How long to wait for the broker; <c>null</c> for 60 s.</param>
    /// <exception cref="InvalidOperationException">rabbitmq-server is not installed, or this process is not root.</exception>
    /// <exception cref="TimeoutException">The broker did not open its port in time (its log is quoted).</exception>
    public static async Task<BrokerProcess> StartAsync(string? user = null, string? password = null, TimeSpan? timeout = null)
    {
        if (!File.Exists(ServerPath))
        {
            throw new InvalidOperationException(
                $"rabbitmq-server is not installed ({ServerPath} is missing): run ./mt test, which installs it with apt-get (or apt-get install rabbitmq-server).");
        }
        if (!string.Equals(Environment.UserName, "root", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("A throwaway RabbitMQ broker is started as root (the Debian wrapper switches to the rabbitmq user): run the tests as root.");
        }
        var port = FreePortPair();
        var directory = Path.Combine(Path.GetTempPath(), $"mt-broker-{port}-{Guid.NewGuid():N}"[..40]);
        var broker = new BrokerProcess(port, directory, user ?? "mt", password ?? Guid.NewGuid().ToString("N")[..16]);
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "mnesia"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "log"));
        await File.WriteAllTextAsync(Path.Combine(directory, "enabled_plugins"), "[].\n").ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, "rabbitmq.conf"), string.Join('\n',
            "consumer_timeout = 600000",
            "loopback_users = none",
            $"default_user = {broker.User}",
            $"default_pass = {broker.Password}",
            "default_permissions.configure = .*",
            "default_permissions.read = .*",
            "default_permissions.write = .*",
            "log.console = false",
            "") ).ConfigureAwait(false);
        await RunAsync("chown", ["-R", "rabbitmq:rabbitmq", directory]).ConfigureAwait(false);
        await broker.LaunchAsync(timeout ?? TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return broker;
    }

    /// <summary>Stops the broker gracefully (<c>rabbitmqctl shutdown</c>); the directory stays for <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        await RunAsync(ControlPath, ["-n", NodeName, "shutdown"]).ConfigureAwait(false);
    }

    /// <summary>Kills the broker with SIGKILL, as a crash would; the directory stays for <see cref="RestartAsync"/>.</summary>
    public async Task KillAsync()
    {
        var pidFile = Path.Combine(Directory, "pid");
        if (!File.Exists(pidFile))
        {
            return;
        }
        var pid = int.Parse((await File.ReadAllTextAsync(pidFile).ConfigureAwait(false)).Trim(), CultureInfo.InvariantCulture);
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        File.Delete(pidFile);
        await WaitForPortAsync(open: false, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    /// <summary>Starts the broker again on the same directory and port (after <see cref="StopAsync"/> or <see cref="KillAsync"/>).</summary>
    public Task RestartAsync(TimeSpan? timeout = null) => LaunchAsync(timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>Kills the broker and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process; the temp directory is cleaned up later.
        }
    }

    private async Task LaunchAsync(TimeSpan timeout)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = "/",
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"setsid {ServerPath} >>'{Directory}/out' 2>&1 </dev/null &");
        var environment = new Dictionary<string, string>
        {
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = (Port + 20000).ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(Directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(Directory, "log"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(Directory, "pid"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(Directory, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(Directory, "rabbitmq"),
            ["RABBITMQ_FEATURE_FLAGS_FILE"] = Path.Combine(Directory, "feature_flags"),
            ["RABBITMQ_PLUGINS_EXPAND_DIR"] = Path.Combine(Directory, "plugins-expand"),
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using (var process = Process.Start(start) ?? throw new InvalidOperationException("could not start /bin/sh"))
        {
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
        try
        {
            await WaitForPortAsync(open: true, timeout).ConfigureAwait(false);
        }
        catch (TimeoutException exception)
        {
            var output = Path.Combine(Directory, "out");
            var log = File.Exists(output) ? await File.ReadAllTextAsync(output).ConfigureAwait(false) : "(no output)";
            throw new TimeoutException($"RabbitMQ did not open port {Port} within {timeout.TotalSeconds} s. Its output:\n{log[Math.Max(0, log.Length - 3000)..]}", exception);
        }
    }

    private async Task WaitForPortAsync(bool open, TimeSpan timeout)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (true)
        {
            bool isOpen;
            using (var client = new TcpClient())
            {
                try
                {
                    await client.ConnectAsync(IPAddress.Loopback, Port).ConfigureAwait(false);
                    isOpen = true;
                }
                catch (SocketException)
                {
                    isOpen = false;
                }
            }
            if (isOpen == open)
            {
                return;
            }
            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"port {Port} did not {(open ? "open" : "close")} within {timeout.TotalSeconds} s");
            }
            await Task.Delay(200).ConfigureAwait(false);
        }
    }

    /// <summary>A free loopback port whose distribution twin (port + 20000) is free too.</summary>
    public static int FreePortPair()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            int port;
            using (var listener = new TcpListener(IPAddress.Loopback, 0))
            {
                listener.Start();
                port = ((IPEndPoint)listener.LocalEndpoint).Port;
            }
            if (port is < 1024 or > 45000)
            {
                continue;
            }
            try
            {
                using var twin = new TcpListener(IPAddress.Any, port + 20000);
                twin.Start();
                return port;
            }
            catch (SocketException)
            {
                // The twin is taken: try another.
            }
        }
        throw new InvalidOperationException("no free pair of ports for a broker");
    }

    private static async Task RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr.ConfigureAwait(false)}{await stdout.ConfigureAwait(false)}");
        }
    }
}
