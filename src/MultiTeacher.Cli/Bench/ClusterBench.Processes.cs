using System.Diagnostics;
using System.Globalization;
using System.Text;
using MultiTeacher.Cluster;

namespace MultiTeacher.Cli.Bench;

/// <summary>The teacher processes of <c>mt bench cluster</c>: their arguments, starting them, and stopping them.</summary>
internal static partial class ClusterBench
{
    private static string[] WorkerArgs(BenchOptions options, string prefix, string run, int processes) =>
    [
        "--prefix", prefix, "--requests", $"{run}.requests", "--outputs", $"{run}.outputs", "--teacher", options.Teacher,
        "--shard-size", options.ShardSize.ToString(CultureInfo.InvariantCulture),
        "--threads", ThreadsPerProcess(options, processes).ToString(CultureInfo.InvariantCulture),
        "--prefetch", InFlightPerTeacher.ToString(CultureInfo.InvariantCulture),
        .. options.Data is null ? Array.Empty<string>() : ["--data", options.Data],
    ];

    /// <summary>A lone teacher process gets the threads of the in-process side; several share the cores with one each.</summary>
    private static int ThreadsPerProcess(BenchOptions options, int processes) => processes == 1 ? options.Threads : 1;

    /// <summary>
    /// Teacher processes (<c>mt bench cluster-worker</c>), each started with this program, the broker's URI in its
    /// environment and its stdin held open: disposing closes their stdin, and they leave (after a grace period they
    /// are killed). A driver that dies closes their stdin too, so no teacher outlives the bench.
    /// </summary>
    private sealed class TeacherProcesses : IAsyncDisposable
    {
        private static readonly TimeSpan s_readyTimeout = TimeSpan.FromSeconds(90);
        private static readonly TimeSpan s_exitTimeout = TimeSpan.FromSeconds(15);

        private readonly List<Process> _processes = [];
        private readonly StringBuilder _errors = new();

        /// <summary>The process ids.</summary>
        public IReadOnlyList<int> Ids => _processes.Select(p => p.Id).ToList();

        /// <summary>Completes when any teacher process exits.</summary>
        public Task FirstExit => _processes.Count == 0 ? Task.CompletedTask : Task.WhenAny(_processes.Select(p => p.WaitForExitAsync()));

        /// <summary>Starts <paramref name="count"/> workers and waits until every one consumes its queue.</summary>
        public static async Task<TeacherProcesses> StartAsync(int count, IReadOnlyList<string> workerArgs, string uri, CancellationToken cancellationToken)
        {
            var teachers = new TeacherProcesses();
            try
            {
                for (var i = 0; i < count; i++)
                {
                    teachers.Start(workerArgs, uri);
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(s_readyTimeout);
                try
                {
                    await Task.WhenAll(teachers._processes.Select(p => WaitReadyAsync(p, timeout.Token))).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new InvalidOperationException($"the teacher processes were not ready within {s_readyTimeout.TotalSeconds} s: {teachers.Errors()}");
                }
                catch (EndOfStreamException)
                {
                    // Give stderr a moment to arrive before quoting it.
                    await Task.WhenAny(teachers.FirstExit, Task.Delay(TimeSpan.FromSeconds(2), cancellationToken)).ConfigureAwait(false);
                    throw new InvalidOperationException($"a teacher process ended before it was ready: {teachers.Errors()}");
                }

                return teachers;
            }
            catch
            {
                await teachers.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        /// <summary>What the processes wrote on stderr (the end of it), for error messages.</summary>
        public string Errors()
        {
            lock (_errors)
            {
                var text = _errors.ToString().Trim();
                return text.Length == 0 ? "(nothing on stderr)" : text[Math.Max(0, text.Length - 2000)..];
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var process in _processes)
            {
                try
                {
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // Already gone.
                }
            }

            foreach (var process in _processes)
            {
                using var grace = new CancellationTokenSource(s_exitTimeout);
                try
                {
                    await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }

                process.Dispose();
            }
        }

        private static async Task WaitReadyAsync(Process process, CancellationToken cancellationToken)
        {
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new EndOfStreamException();
                if (line.Trim() == ClusterBenchWorker.ReadyLine)
                {
                    return;
                }
            }
        }

        private void Start(IReadOnlyList<string> workerArgs, string uri)
        {
            // Run as this program runs: `dotnet mt.dll ...` or the apphost `mt ...`.
            var host = Environment.ProcessPath ?? "dotnet";
            var viaDotnet = Path.GetFileNameWithoutExtension(host) == "dotnet";
            var start = new ProcessStartInfo(host)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            if (viaDotnet)
            {
                start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mt.dll"));
            }

            foreach (var argument in new[] { "bench", "cluster-worker" }.Concat(workerArgs))
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment[ClusterSettings.UriEnvironmentVariable] = uri;
            var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {host}");
            _processes.Add(process);
            var id = process.Id;
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (_errors)
                    {
                        _errors.Append("[teacher ").Append(id).Append("] ").AppendLine(e.Data);
                    }
                }
            };
            process.BeginErrorReadLine();
        }
    }
}
