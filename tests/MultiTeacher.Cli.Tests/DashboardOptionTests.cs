using System.Text.Json;
using System.Text.RegularExpressions;

namespace MultiTeacher.Cli.Tests;

/// <summary><c>--dashboard</c> on the commands that run a distillation, seen from outside the process.</summary>
public sealed partial class DashboardOptionTests
{
    [Theory]
    [InlineData("online", "--dashboard", "http", "the port must be a number")]
    [InlineData("distill", "--dashboard", "example.org:80", "the host 'example.org' is not an IP address or localhost")]
    [InlineData("demo", "--dashboard", "70000", "the port must be a number from 0 to 65535")]
    public async Task Dashboard_BadAddress_RefusedNamingIt(string command, string option, string value, string expected)
    {
        using var dir = new TempDirectory();
        string[] config = command == "distill" ? ["--config", Repository.PathOf("cluster.hocon")] : [];
        var (code, _, stderr) = await MtProcess.RunAsync([command, option, value, "--out", Path.Combine(dir.Path, "never"), .. config]);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Online_WithDashboardOnAllInterfaces_WarnsAndServesTheRunWhileItGoes()
    {
        using var dir = new TempDirectory();
        using var process = MtProcess.Start(["online", "--quick", "--out", Path.Combine(dir.Path, "run"), "--dashboard", "0.0.0.0:0"]);
        var stdout = process.StandardOutput.ReadToEndAsync();
        // LibTorch may say something about the machine first (OneDnnCheck): the URL is the first line of ours.
        var before = new List<string>();
        var url = Match.Empty;
        while (await process.StandardError.ReadLineAsync() is { } line && !(url = UrlPattern().Match(line)).Success)
        {
            before.Add(line);
        }

        Assert.True(url.Success, $"no dashboard URL on stderr: {string.Join('\n', before)}");
        Assert.All(before, line => Assert.True(line.Contains("oneDNN", StringComparison.Ordinal) || line.Contains("NNPACK", StringComparison.Ordinal), line));
        var warning = await process.StandardError.ReadLineAsync();
        var rest = process.StandardError.ReadToEndAsync();
        Assert.Contains("not a loopback address: it has no authentication", warning, StringComparison.Ordinal);

        // Poll as a script would until a run shows up (the command exits when it is done).
        using var http = new HttpClient { BaseAddress = new Uri(url.Value.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)) };
        string? runSeen = null;
        while (runSeen is null && !process.HasExited)
        {
            try
            {
                using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/status", UriKind.Relative)));
                if (status.RootElement.GetProperty("runId").GetString() is { } runId && status.RootElement.GetProperty("checkpoints").GetProperty("peers").GetArrayLength() == 2)
                {
                    runSeen = runId;
                }
            }
            catch (HttpRequestException) when (process.HasExited)
            {
                break;
            }

            await Task.Delay(100);
        }

        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await rest}");
        Assert.Contains("codistilled", await stdout, StringComparison.Ordinal);
        Assert.NotNull(runSeen);
        Assert.Contains(runSeen, new[] { "independent_seed1", "codistilled_seed1", "independent_seed2", "codistilled_seed2" });
    }

    [GeneratedRegex(@"http://[0-9.]+:[0-9]+/")]
    private static partial Regex UrlPattern();
}
