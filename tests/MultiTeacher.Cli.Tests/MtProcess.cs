using System.Diagnostics;

namespace MultiTeacher.Cli.Tests;

/// <summary>Runs the built CLI (mt.dll next to the tests) as a separate process, as a user would.</summary>
internal static class MtProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "mt.dll");

    // The test host runs with SIGINT ignored (a child would inherit that and never see Ctrl+C) and cannot signal its
    // children itself here, so a small perl parent starts mt with SIGINT restored, presses "Ctrl+C" after a delay and
    // exits with mt's exit code.
    private const string InterruptScript =
        "my $after = shift; my $pid = fork(); die $! unless defined $pid;" +
        "if ($pid == 0) { $SIG{INT} = 'DEFAULT'; exec @ARGV or die $!; }" +
        "select(undef, undef, undef, $after); kill 'INT', $pid; waitpid($pid, 0); exit($? >> 8);";

    /// <summary>Starts mt.</summary>
    public static Process Start(IEnumerable<string> args, IDictionary<string, string>? environment = null, string? interruptAfter = null)
    {
        var start = new ProcessStartInfo(interruptAfter is null ? "dotnet" : "perl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (interruptAfter is not null)
        {
            foreach (var arg in new[] { "-e", InterruptScript, interruptAfter, "dotnet" })
            {
                start.ArgumentList.Add(arg);
            }
        }

        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
    }

    /// <summary>Runs mt and sends it SIGINT (Ctrl+C) after <paramref name="after"/>.</summary>
    public static Task<(int ExitCode, string Out, string Err)> RunInterruptedAsync(IEnumerable<string> args, TimeSpan after) =>
        RunAsync(args, null, null, after.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static async Task<(int ExitCode, string Out, string Err)> RunAsync(IEnumerable<string> args, IDictionary<string, string>? environment = null,
        TimeSpan? timeout = null, string? interruptAfter = null)
    {
        using var process = Start(args, environment, interruptAfter);
        return await CollectAsync(process, $"mt {string.Join(' ', args)}", timeout);
    }

    /// <summary>Runs another program (a script the README names, say) as mt is run: output collected, killed after the timeout.</summary>
    public static async Task<(int ExitCode, string Out, string Err)> RunProgramAsync(string program, IEnumerable<string> args,
        IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        return await CollectAsync(process, $"{program} {string.Join(' ', args)}", timeout);
    }

    private static async Task<(int ExitCode, string Out, string Err)> CollectAsync(Process process, string what, TimeSpan? timeout)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{what} did not finish in time; stderr so far: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
