using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using MultiTeacher.Actors;
using MultiTeacher.Cluster;
using MultiTeacher.Configuration;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Core.Training;
using MultiTeacher.Distillation.Experiments;
using MultiTeacher.Distillation.Nodes;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Reports;

namespace MultiTeacher.Cli.Cluster;

/// <summary>
/// The coordinator of a cluster run: submits the run (<see cref="RunSpec"/>, repeated until it ends so that late or
/// restarted nodes join), plans and tracks the shards, and when every shard is trained tells the nodes, collects
/// their reports and writes <c>summary.json</c>. A run in which no shard is trained for <c>stall-timeout</c> (a broker
/// that lost a queue, every student gone) stops with an error that says how to resume it: a resumed run takes over
/// the student's saved state under a new id, with fresh queues, and starts at the first shard the student has not trained.
/// </summary>
internal static class ClusterRunDriver
{
    private static readonly TimeSpan s_resubmitEvery = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_reportWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_flushOnFailure = TimeSpan.FromSeconds(10);

    /// <summary>Runs the distillation that <c>multiteacher.distill</c> of <paramref name="tree"/> describes and writes summary.json.</summary>
    public static async Task<RunSummary> RunAsync(HoconConfig tree, string baseDirectory, string? dataDirectory, string outDirectory, bool resume,
        IRunProgress progress, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var request = Commands.DistillConfig.Read(tree, baseDirectory);
        var result = await RunAsync(request, ClusterSettings.FromConfig(tree), dataDirectory, outDirectory, progress, logs, cancellationToken, resume)
            .ConfigureAwait(false);
        return Summarize(result, request, outDirectory);
    }

    /// <summary>
    /// Runs one distillation on the cluster's nodes; the student node writes the student into <paramref name="outDirectory"/>.
    /// With <paramref name="resume"/>, goes on with the run that stopped there.
    /// </summary>
    public static async Task<ClusterRunResult> RunAsync(DistillRequest request, ClusterSettings settings, string? dataDirectory, string outDirectory,
        IRunProgress progress, ILoggerFactory logs, CancellationToken cancellationToken, bool resume = false)
    {
        var clock = Stopwatch.StartNew();
        var run = PreparedRun.Create(request, dataDirectory, progress, cancellationToken, _ => false);
        var runId = string.Create(CultureInfo.InvariantCulture, $"r{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}-{Environment.ProcessId}");
        var shards = run.Planner.ForEpoch(0).Shards.Count * request.Settings.Epochs;
        var firstShard = resume ? TakeOver(outDirectory, runId, shards, logs.CreateLogger("coordinator")) : 0;
        var nodeId = $"coordinator-{Environment.MachineName}-{Environment.ProcessId}";
        await using var transport = await RabbitMqTransport.ConnectAsync(settings, nodeId, RegistrySink.PipelineRegistry(),
            logs.CreateLogger("transport"), cancellationToken).ConfigureAwait(false);
        var observer = new RunObserver();
        var stopOnFailure = new OneForOneStrategy(e =>
        {
            observer.Failed(new PipelineException($"the coordinator failed: {e.Message}", e));
            return Directive.Stop;
        });
        await using var system = new ActorSystem("mt", new ActorSystemOptions
        {
            Transport = transport, Node = nodeId, LoggerFactory = logs, GuardianSupervisorStrategy = stopOnFailure,
        });
        var fabric = new RabbitFabric(transport, system, RabbitFabric.KeyOf(runId), settings.Prefetch);
        var node = new PipelineNode(system, fabric, runId, run, request.Settings);
        var reports = new ReportInbox();
        await fabric.ServeAsync(ClusterEndpoints.Reports, system.ActorOf(ReportInbox.Props(reports)), cancellationToken).ConfigureAwait(false);
        var coordinator = await node.StartCoordinatorAsync(observer, cancellationToken, firstShard).ConfigureAwait(false);

        Directory.CreateDirectory(outDirectory);
        var spec = new RunSpec(runId, Commands.DistillConfig.ToJson(request), Path.GetFullPath(outDirectory), dataDirectory ?? "",
            Path.GetFullPath(outDirectory));
        var runs = transport.Broadcast(system, ClusterEndpoints.Runs);
        using var resubmit = new CancellationTokenSource();
        var submitting = SubmitUntilDoneAsync(runs, spec, resubmit.Token);
        var watching = WatchForStallAsync(observer, settings.StallTimeout, resubmit.Token);
        node.BeginRun(coordinator);

        var outcome = new RunCompleted(runId, true, "");
        using (var phase = progress.Phase($"cluster run {runId}: student {request.Student}, {run.Labelled:N0} labels", 1.0))
        {
            observer.OnShardTrained = (done, total) => phase.Report((double)done / total, $"{done}/{total} shards");
            await using var interrupt = cancellationToken.Register(() => observer.Failed(new OperationCanceledException(cancellationToken)));
            try
            {
                await observer.Done.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                outcome = new RunCompleted(runId, false, e.Message);
            }
        }

        await resubmit.CancelAsync().ConfigureAwait(false);
        await submitting.ConfigureAwait(false);
        await watching.ConfigureAwait(false);
        runs.Tell(outcome);
        if (!outcome.Succeeded)
        {
            try
            {
                await transport.FlushAsync().WaitAsync(s_flushOnFailure, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Publishes the broker keeps refusing must not keep the user waiting: the run is stopping anyway.
            }

            cancellationToken.ThrowIfCancellationRequested();
            throw new PipelineException($"cluster run {runId} stopped: {outcome.Reason}{ResumeHint(outDirectory)}");
        }

        await transport.FlushAsync().ConfigureAwait(false);

        var nodeReports = await reports.WaitForStudentAsync(s_reportWait).ConfigureAwait(false);
        return Result(runId, run, observer, nodeReports, outDirectory, clock.Elapsed);
    }

    /// <summary>Hands the student's saved state in <paramref name="outDirectory"/> over to the new run; returns the first shard to dispatch.</summary>
    private static int TakeOver(string outDirectory, string runId, int total, ILogger log)
    {
        var state = ClusterRunFolder.StudentState(outDirectory);
        if (!File.Exists(state))
        {
            throw new PipelineException($"nothing to resume in {outDirectory}: no student state at {state}");
        }

        var (previous, next) = MultiTeacher.Distillation.Students.StudentState.HandOver(state, runId);
        if (next >= total)
        {
            throw new PipelineException($"run {previous} in {outDirectory} has trained all {total} shards already; its student's state is {state}");
        }

        log.LogWarning("resuming run {Previous} as {Run} from shard {Next}", previous, runId, next);
        return next;
    }

    private static string ResumeHint(string outDirectory) => File.Exists(ClusterRunFolder.StudentState(outDirectory))
        ? $". The student's state is saved: `mt node --roles coordinator --resume {Path.GetFullPath(outDirectory)}` (same --config) goes on from its last shard."
        : "";

    /// <summary>Fails the run when no shard has been trained for <paramref name="timeout"/>.</summary>
    private static async Task WatchForStallAsync(RunObserver observer, TimeSpan timeout, CancellationToken done)
    {
        var check = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 10, TimeSpan.TicksPerMillisecond * 100, TimeSpan.TicksPerSecond * 5));
        try
        {
            while (true)
            {
                await Task.Delay(check, done).ConfigureAwait(false);
                var quiet = Stopwatch.GetElapsedTime(observer.LastProgress);
                if (quiet > timeout)
                {
                    observer.Failed(new PipelineException(string.Create(CultureInfo.InvariantCulture,
                        $"no shard trained for {quiet.TotalSeconds:F0} s (stall-timeout; {observer.Trained} trained so far): a node or the broker lost the run's messages")));
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
        }
    }

    private static async Task SubmitUntilDoneAsync(IActorRef runs, RunSpec spec, CancellationToken done)
    {
        try
        {
            while (true)
            {
                runs.Tell(spec);
                await Task.Delay(s_resubmitEvery, done).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
        }
    }

    private static ClusterRunResult Result(string runId, PreparedRun run, RunObserver observer, IReadOnlyList<NodeReport> reports, string outDirectory,
        TimeSpan elapsed)
    {
        var file = ClusterRunFolder.StudentFile(outDirectory);
        if (!File.Exists(file))
        {
            throw new PipelineException($"cluster run {runId} ended but the student node wrote no student to {file} (is its out folder shared?)");
        }

        var student = ModelCheckpoint.Load(file).Model;
        var history = observer.Epochs.Select(e => new EpochAccuracy(e.Epoch + 1, e.ValidationAccuracy, e.TestAccuracy)).ToList();
        var best = history.Count == 0 ? null : history.MaxBy(h => h.ValidationAccuracy);
        double Sum(string counter) => reports.Sum(r => r.Counters.GetValueOrDefault(counter));
        var summary = new StudentSummary
        {
            Arch = run.Student.Text, Params = student.Parameters.Count, Labels = run.Labelled, Distilled = true,
            TestAccuracy = Evaluator.Evaluate(student, run.Test).Accuracy, ValidationAccuracy = best?.ValidationAccuracy ?? double.NaN,
            Epochs = history.Count, BestEpoch = best?.Epoch ?? 0, InferSamplesPerS = Math.Round(Throughput.InferenceSamplesPerSecond(student)),
            File = file, History = history,
        };
        var duplicates = Sum("duplicates_dropped") + Sum("student_duplicates_dropped");
        var shards = new ShardCounters(observer.Total, (int)Sum("aggregated"), (int)Sum("trained"), (int)duplicates, (int)Sum("closed_incomplete"),
            (int)Sum("rejected_outputs"));
        var cluster = new ClusterSummary(reports.Count, (long)Sum("published"), (long)Sum("redelivered"), (long)duplicates, (long)Sum("dead_lettered"),
            (long)(Sum("bytes_in") + Sum("bytes_out")), reports.Select(r => new NodeSummary(r.NodeId, r.Roles, r.Counters, r.Incidents)).ToList());
        return new ClusterRunResult(runId, student, summary, shards, cluster, run, elapsed);
    }

    private static RunSummary Summarize(ClusterRunResult result, DistillRequest request, string outDirectory)
    {
        var run = result.Run;
        var settings = request.Settings;
        var summary = new RunSummary
        {
            Id = result.RunId,
            Dataset = new DatasetSummary(DatasetCatalog.FashionMnist, run.Train.Count, run.Validation.Count, run.Test.Count, run.Test.Classes),
            Distillation = new DistillationSummary(settings.Temperature, settings.Alpha, settings.Aggregation.ToString().ToLowerInvariant(), []),
            Teachers = run.Teachers.Select(t => new ModelSummary(t.Id, "", 0, double.NaN, 0, t.Path)).ToList(),
            Ensemble = new ModelSummary("ensemble", "", 0, double.NaN, 0),
            Students = new Dictionary<string, StudentSummary> { ["distilled"] = result.Student },
            Shards = result.Shards,
            Transport = "rabbitmq",
            Threads = Gemm.Threads,
            ElapsedSeconds = Math.Round(result.Elapsed.TotalSeconds, 1),
            Cluster = result.Cluster,
        };
        summary.Write(Path.Combine(outDirectory, "summary.json"));
        DemoReport.Build(summary).Write(Path.Combine(outDirectory, "report.html"));
        return summary;
    }

    /// <summary>The coordinator's callbacks as a task, with the epochs seen.</summary>
    private sealed class RunObserver : IPipelineObserver
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Done => _done.Task;

        public List<StudentEpochCompleted> Epochs { get; } = [];

        public int Total { get; private set; }

        public int Trained { get; private set; }

        /// <summary>The timestamp of the start or of the last shard trained.</summary>
        public long LastProgress { get; private set; } = Stopwatch.GetTimestamp();

        public Action<int, int>? OnShardTrained { get; set; }

        public void ShardTrained(int trained, int total)
        {
            (Total, Trained, LastProgress) = (total, trained, Stopwatch.GetTimestamp());
            OnShardTrained?.Invoke(trained, total);
        }

        public void EpochCompleted(StudentEpochCompleted epoch) => Epochs.Add(epoch);

        public void Completed() => _done.TrySetResult();

        public void Failed(Exception reason) => _done.TrySetException(reason);
    }
}
