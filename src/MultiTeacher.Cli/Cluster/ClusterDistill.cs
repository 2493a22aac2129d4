using MultiTeacher.Cluster;
using MultiTeacher.Cluster.Runs;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Experiments;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Reports;

namespace MultiTeacher.Cli.Cluster;

/// <summary>
/// One student distilled on the cluster: the run's actors (coordinator, aggregator, student) on this node, every
/// teacher served by the cluster's teacher nodes, which derive the rows and teacher passes from the request they hear
/// announced. A feature run's plan is checked here before it is announced (CoordinatorFeatures), and the teacher
/// nodes hear which features each teacher sends.
/// </summary>
internal static class ClusterDistill
{
    /// <summary>
    /// Distils the student of <paramref name="request"/> over <paramref name="run"/> (prepared on this node, its
    /// teachers not loaded); the student's state goes to <paramref name="statePath"/> after every shard when given,
    /// and a state found there is resumed.
    /// </summary>
    public static async Task<(Model Model, List<EpochAccuracy> History, PipelineResult Result, FeatureSummary? Features)> RunAsync(ClusterNode node,
        DistillRequest request, PreparedRun run, string runName, IRunProgress progress, CancellationToken cancellationToken, string? checkpoint = null,
        string? statePath = null)
    {
        var settings = request.Settings;
        var model = Model.Create(run.Student.Text, (ulong)settings.Seed);
        var plan = settings.Features.Count > 0 ? CoordinatorFeatures.Plan(request, run, model) : null;
        var history = new List<EpochAccuracy>();
        var announced = run.Teachers.Select(t => new AnnouncedTeacher(t.Id, File.Exists(t.Path) ? ClusterRun.Sha256(t.Path) : "")).ToList();
        var runId = $"{runName}-{Guid.NewGuid():N}"[..^24];
        Console.Error.WriteLine($"mt: run {runId} announced; it begins once teacher(s) {string.Join(", ", announced.Select(t => t.Id))} " +
            "each have a replica on a teacher node");
        using var phase = progress.Phase($"student {run.Student.Text} distilled across the cluster (T={settings.Temperature}, α={settings.Alpha}), " +
            $"{run.Labelled:N0} labels", 1.0);
        var pipeline = new PipelineRequest(runId, [], model, run.Train, run.Labels, settings)
        {
            Evaluation = new StudentEvaluation(run.Validation, run.Test),
            CheckpointPath = checkpoint,
            StatePath = statePath,
            OnShardTrained = (done, total) => phase.Report((double)done / total, $"{done}/{total} shards"),
            OnEpoch = e => history.Add(new EpochAccuracy(e.Epoch + 1, e.ValidationAccuracy, e.TestAccuracy)),
            Features = plan,
        };
        var result = await ClusterRun.RunAsync(node, pipeline, announced, cancellationToken, recipe: request).ConfigureAwait(false);
        return (model, history, result, plan is null ? null : FeatureStudentRuns.Summarize(plan, result));
    }
}
