using MultiTeacher.Cluster;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using MultiTeacher.Core.Training;
using MultiTeacher.Distillation.Experiments;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Reports;

namespace MultiTeacher.Cli.Cluster;

/// <summary>The summary of a run on the cluster, in the shape <c>mt distill</c> writes, with the cluster's counters.</summary>
internal static class ClusterRunReport
{
    public static RunSummary Summarize(ClusterNode node, DistillRequest request, PreparedRun run, Model model, IReadOnlyList<EpochAccuracy> history,
        PipelineResult result, string outDirectory, string checkpoint, TimeSpan elapsed, FeatureSummary? features = null)
    {
        var settings = request.Settings;
        var student = Student(model, run, history) with { File = checkpoint };
        return new RunSummary
        {
            Id = Path.GetFileName(Path.GetFullPath(outDirectory)),
            Dataset = new DatasetSummary(request.Data?.Name ?? DatasetCatalog.FashionMnist, run.Train.Count, run.Validation.Count, run.Test.Count, run.Test.Classes),
            Distillation = new DistillationSummary(settings.Temperature, settings.Alpha, settings.Aggregation.ToString().ToLowerInvariant(), []),
            Teachers = run.Teachers.Select(t => t.Summary ?? new ModelSummary(t.Id, "served by teacher nodes", 0, double.NaN, 0, t.Path)).ToList(),
            Ensemble = new ModelSummary("ensemble", "", 0, double.NaN, 0),
            Students = new Dictionary<string, StudentSummary> { ["distilled"] = student },
            Shards = result.Shards,
            Transport = "akka.cluster",
            Threads = TorchRuntime.Threads,
            ElapsedSeconds = Math.Round(elapsed.TotalSeconds, 1),
            Cluster = Traffic(node, run, settings.Epochs, result),
            Features = features,
        };
    }

    /// <summary>A distilled student's summary: its accuracy on the test set and the epoch picked on validation.</summary>
    public static StudentSummary Student(Model model, PreparedRun run, IReadOnlyList<EpochAccuracy> history)
    {
        var best = history.Count == 0 ? null : history.MaxBy(h => h.ValidationAccuracy);
        return new StudentSummary
        {
            Arch = model.Architecture.Text,
            Params = model.ParameterCount,
            Labels = run.Labelled,
            Distilled = true,
            TestAccuracy = Evaluator.Evaluate(model, run.Test).Accuracy,
            ValidationAccuracy = best?.ValidationAccuracy ?? double.NaN,
            Epochs = history.Count,
            BestEpoch = best?.Epoch ?? 0,
            InferSamplesPerS = Math.Round(Throughput.InferenceSamplesPerSecond(model)),
            History = [.. history],
        };
    }

    /// <summary>
    /// The run's traffic as this node saw it: teacher outputs received (each crossed the wire once), their bytes (logits
    /// and the feature values of the outputs kept), work handed out again.
    /// </summary>
    public static ClusterSummary Traffic(ClusterNode node, PreparedRun run, int epochs, PipelineResult result)
    {
        var teachers = run.Teachers.Count;
        var outputs = (long)result.Shards.Aggregated * teachers;
        var bytes = ((long)run.Train.Count * epochs * run.Train.Classes * sizeof(float) * teachers) + result.Aggregator.FeatureBytes;
        var counters = new Dictionary<string, double>
        {
            ["replicas_at_end"] = result.Coordinator?.Replicas ?? 0,
            ["requeued"] = result.Coordinator?.Requeued ?? 0,
            ["late_outputs_dropped"] = result.Aggregator.LateDropped,
            ["duplicate_outputs_dropped"] = result.Aggregator.DuplicatesDropped,
        };
        var members = node.Cluster.State.Members.Select(m => $"{m.Address} [{string.Join(",", m.Roles)}]").ToList();
        return new ClusterSummary(members.Count, outputs, result.Coordinator?.Requeued ?? 0, result.Shards.DuplicatesDropped, 0, bytes,
            [new NodeSummary(node.Address.ToString(), node.Settings.Roles, counters, members)]);
    }
}
