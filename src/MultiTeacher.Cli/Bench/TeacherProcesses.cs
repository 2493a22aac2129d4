using System.Diagnostics;
using System.Globalization;
using Akka.Cluster;
using MultiTeacher.Cluster;

namespace MultiTeacher.Cli.Bench;

/// <summary>The teacher processes of <c>mt bench cluster</c>: <c>mt node</c> children on loopback, their output kept in the bench's folder.</summary>
internal static class TeacherProcesses
{
    /// <summary>Starts <paramref name="count"/> live teacher processes (<c>mt node --roles teacher --live</c>, <paramref name="threads"/> intra-op threads each) that join <paramref name="node"/>, runs <paramref name="body"/>, and stops them (SIGTERM).</summary>
    public static async Task<T> WithAsync<T>(ClusterNode node, int count, int threads, string? dataDirectory, string folder, Func<Task<T>> body,
        CancellationToken cancellationToken)
    {
        var processes = new List<Process>();
        var logs = new List<FileStream>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var arg in (string[])[typeof(TeacherProcesses).Assembly.Location, "node", "--roles", "teacher", "--hostname", "127.0.0.1", "--port", "0",
                    "--seed-nodes", node.Address.ToString(), "--live", "--threads", threads.ToString(CultureInfo.InvariantCulture), .. dataDirectory is null ? (string[])[] : ["--data", dataDirectory]])
                {
                    start.ArgumentList.Add(arg);
                }

                var process = Process.Start(start)!;
                var log = Path.Combine(folder, $"row-{count}-teacher-{processes.Count}");
                logs.AddRange([File.Create(log + ".out"), File.Create(log + ".err")]);
                _ = process.StandardOutput.BaseStream.CopyToAsync(logs[^2], CancellationToken.None);
                _ = process.StandardError.BaseStream.CopyToAsync(logs[^1], CancellationToken.None);
                processes.Add(process);
            }

            var clock = Stopwatch.StartNew();
            while (node.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up && m.HasRole("teacher")) < count)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(90) || processes.Any(p => p.HasExited))
                {
                    throw new InvalidOperationException($"{count} teacher process(es) did not join within 90 s (logs in {folder})");
                }

                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }

            return await body().ConfigureAwait(false);
        }
        finally
        {
            foreach (var process in processes.Where(p => !p.HasExited))
            {
                using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }

            foreach (var process in processes)
            {
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill();
                }

                process.Dispose();
            }

            await Task.Delay(200, CancellationToken.None).ConfigureAwait(false); // the copies reach the end of the pipes
            logs.ForEach(l => l.Dispose());

            // The departed nodes are removed before the next row counts its teachers.
            while (node.Cluster.State.Members.Any(m => m.HasRole("teacher")))
            {
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
