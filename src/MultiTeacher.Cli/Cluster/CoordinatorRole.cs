using System.Diagnostics;
using System.Globalization;
using MultiTeacher.Cli.Commands;
using MultiTeacher.Cluster;
using MultiTeacher.Distillation.Experiments;
using MultiTeacher.Distillation.Reports;
using MultiTeacher.Distillation.Students;

namespace MultiTeacher.Cli.Cluster;

/// <summary>
/// The coordinator role of a node: runs the distillation of <c>multiteacher.distill</c> with the run's actors
/// (coordinator, aggregator, student) on this node and every teacher served by the cluster's teacher nodes, shows
/// progress, and writes the student, summary.json and report.html in the run folder. The student's state is saved
/// after every trained shard, so a run whose node died goes on with <c>--resume DIR</c> (not a run with hint terms: the
/// state does not hold their adapters).
/// </summary>
internal static class CoordinatorRole
{
    /// <summary>The student's resumable state in a run folder.</summary>
    public static string StatePath(string outDirectory) => Path.Combine(outDirectory, "students", "student.state.safetensors");

    /// <summary>The report a finished run writes in its folder.</summary>
    public static string ReportPath(string outDirectory) => Path.Combine(outDirectory, "report.html");

    /// <summary>Runs the distillation; <paramref name="watch"/> wraps the progress (the dashboard's view of the phases).</summary>
    public static async Task<int> RunAsync(ClusterNode node, DistillRequest request, PreparedRun run, NodeOptions options, Func<IRunProgress, IRunProgress> watch,
        CancellationToken cancellationToken)
    {
        var outDirectory = options.OutDirectory;
        var state = StatePath(outDirectory);
        if (options.Resume && request.Settings.Features.Any(f => f.Loss == Core.Losses.Features.FeatureLossKind.Hint))
        {
            throw new CliUsageException($"--resume {outDirectory}: the run has hint terms, and the saved state holds the student but not its hint adapters " +
                "(trained beside it by their own Adam): resuming would restart them. Run it again from the start into another folder");
        }

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
        var (model, history, result, features) = await Terminal.RunProgress.RunAsync(progress => ClusterDistill.RunAsync(node, request, run,
            Path.GetFileName(Path.GetFullPath(outDirectory)), watch(progress), cancellationToken, checkpoint, state)).ConfigureAwait(false);

        var summary = ClusterRunReport.Summarize(node, request, run, model, history, result, outDirectory, checkpoint, clock.Elapsed, features);
        var torchScript = StudentFile.Save(model, checkpoint, new Dictionary<string, string>
        {
            ["seed"] = settings.Seed.ToString(CultureInfo.InvariantCulture),
            ["temperature"] = settings.Temperature.ToString(CultureInfo.InvariantCulture),
            ["alpha"] = settings.Alpha.ToString(CultureInfo.InvariantCulture),
            ["teachers"] = string.Join(",", run.Teachers.Select(t => t.Id)),
            ["test_accuracy"] = summary.Students["distilled"].TestAccuracy.ToString("R", CultureInfo.InvariantCulture),
        });
        if (torchScript is not null)
        {
            summary = summary with { Students = new Dictionary<string, StudentSummary> { ["distilled"] = summary.Students["distilled"] with { TorchScriptFile = torchScript } } };
        }

        summary.Write(Path.Combine(outDirectory, "summary.json"));
        DemoReport.Build(summary).Write(ReportPath(outDirectory));
        File.Delete(state); // the run is complete: nothing to resume
        Terminal.SummaryTable.Write(summary, outDirectory);
        return 0;
    }
}
