using System.Diagnostics;
using System.Globalization;
using MultiTeacher.Cli.Commands;
using MultiTeacher.Cluster;
using MultiTeacher.Cluster.Runs;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Experiments;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Reports;

namespace MultiTeacher.Cli.Cluster;

/// <summary>
/// The coordinator role of a node: runs the distillation of <c>multiteacher.distill</c> with the run's actors
/// (coordinator, aggregator, student) on this node and every teacher served by the cluster's teacher nodes, shows
/// progress, and writes the student, summary.json and report.html in the run folder. The student's state is saved
/// after every trained shard, so a run whose node died goes on with <c>--resume DIR</c>.
/// </summary>
internal static class CoordinatorRole
{
    /// <summary>The student's resumable state in a run folder.</summary>
    public static string StatePath(string outDirectory) => Path.Combine(outDirectory, "students", "student.state.safetensors");

    public static async Task<int> RunAsync(ClusterNode node, DistillRequest request, PreparedRun run, NodeOptions options, CancellationToken cancellationToken)
    {
        var outDirectory = options.OutDirectory;
        var state = StatePath(outDirectory);
        if (options.Resume && !File.Exists(state))
        {
            throw new CliUsageException($"--resume {outDirectory}: no saved student state ({state}); the run finished, or never trained a shard");
        }

        if (!options.Resume && File.Exists(state))
        {
            throw new CliUsageException($"--out {outDirectory} holds the saved state of an unfinished run: go on with --resume {outDirectory}, or choose another folder");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(state)!);
        var checkpoint = Path.Combine(outDirectory, "students", "student.safetensors");
        var clock = Stopwatch.StartNew();
        var settings = request.Settings;
        var model = Model.Create(run.Student.Text, (ulong)settings.Seed);
        var history = new List<EpochAccuracy>();
        var announced = run.Teachers.Select(t => new AnnouncedTeacher(t.Id, File.Exists(t.Path) ? ClusterRun.Sha256(t.Path) : "")).ToList();
        var runId = $"{Path.GetFileName(Path.GetFullPath(outDirectory))}-{Guid.NewGuid():N}"[..^24];
        Console.Error.WriteLine($"mt node: run {runId} announced; it begins once teacher(s) {string.Join(", ", announced.Select(t => t.Id))} " +
            "each have a replica on a teacher node");
        var result = await Terminal.RunProgress.RunAsync(async progress =>
        {
            using var phase = progress.Phase($"student {run.Student.Text} distilled across the cluster (T={settings.Temperature}, α={settings.Alpha})", 1.0);
            var pipeline = new PipelineRequest(runId, [], model, run.Train, run.Labels, settings)
            {
                Evaluation = new StudentEvaluation(run.Validation, run.Test),
                CheckpointPath = checkpoint,
                StatePath = state,
                OnShardTrained = (done, total) => phase.Report((double)done / total, $"{done}/{total} shards"),
                OnEpoch = e => history.Add(new EpochAccuracy(e.Epoch + 1, e.ValidationAccuracy, e.TestAccuracy)),
            };
            return await ClusterRun.RunAsync(node, pipeline, announced, cancellationToken, recipe: request).ConfigureAwait(false);
        }).ConfigureAwait(false);

        var summary = ClusterRunReport.Summarize(node, request, run, model, history, result, outDirectory, checkpoint, clock.Elapsed);
        ModelCheckpoint.Save(model, checkpoint, new Dictionary<string, string>
        {
            ["seed"] = settings.Seed.ToString(CultureInfo.InvariantCulture),
            ["temperature"] = settings.Temperature.ToString(CultureInfo.InvariantCulture),
            ["alpha"] = settings.Alpha.ToString(CultureInfo.InvariantCulture),
            ["teachers"] = string.Join(",", run.Teachers.Select(t => t.Id)),
            ["test_accuracy"] = summary.Students["distilled"].TestAccuracy.ToString("R", CultureInfo.InvariantCulture),
        });
        summary.Write(Path.Combine(outDirectory, "summary.json"));
        DemoReport.Build(summary).Write(Path.Combine(outDirectory, "report.html"));
        File.Delete(state); // the run is complete: nothing to resume
        Terminal.SummaryTable.Write(summary, outDirectory);
        return 0;
    }
}
