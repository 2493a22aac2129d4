using Akka.Configuration;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Features;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Reports;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Experiments;

/// <summary>
/// A student distilled with feature terms through the actor pipeline: the teachers the features name serve their
/// cached logits and their features from cached passes keyed by layer (<see cref="TeacherFeatureCache"/>, computed
/// once by the network loaded from the teacher file: safetensors, TorchScript or ONNX, see <see cref="FeatureTeacherLoader"/>);
/// the other teachers serve their cached logits. The plan is checked before anything trains.
/// </summary>
public static class FeatureStudentRuns
{
    /// <summary>
    /// Distils the student of <paramref name="arch"/> as <see cref="StudentRuns.DistilledAsync"/> does, plus the settings' feature terms;
    /// <paramref name="teacherOptions"/> are the teachers' settings by file path (ONNX output names, input layouts).
    /// </summary>
    public static async Task<(Model Model, StudentSummary Summary, PipelineResult Pipeline, FeatureSummary Features)> DistilledAsync(string arch, long seed, Dataset train,
        int[] labels, IReadOnlyList<PreparedTeacher> teachers, DistillationSettings settings, Dataset validation, Dataset test,
        IRunProgress progress, Config akka, CancellationToken cancellationToken, string? checkpointPath = null,
        IReadOnlyDictionary<string, Core.Teachers.TeacherOptions>? teacherOptions = null)
    {
        ArgumentNullException.ThrowIfNull(teachers);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(progress);
        var named = settings.Features.Select(f => f.Teacher).ToHashSet(StringComparer.Ordinal);
        var sources = new List<PipelineTeacher>();
        foreach (var teacher in teachers)
        {
            var table = teacher.Train ?? throw new ArgumentException($"teacher {teacher.Id} has no cached logits");
            ILogitSource source = named.Contains(teacher.Id)
                ? FeatureTeacherLoader.Cached(teacher.Id, teacher.Path, table, train, teacherOptions?.GetValueOrDefault(teacher.Path))
                : new CachedLogitSource(table);
            sources.Add(new PipelineTeacher(teacher.Id, source));
        }

        var model = Model.Create(arch, (ulong)seed);
        var plan = FeaturePlan.Create(settings.Features, model, sources.Select(s => (s.Id, (ILogitSource?)s.Source)).ToList(), settings, settings.FeatureWire);
        foreach (var source in sources)
        {
            if (source.Source is CachedFeatureSource cached)
            {
                using var pass = progress.Phase($"feature pass of {source.Id} (cached beside it, keyed by layer)", 1);
                cached.Prepare(plan.RequestsFor(source.Id));
            }
        }

        var labelled = labels.Count(l => l >= 0);
        var history = new List<EpochAccuracy>();
        PipelineResult result;
        using (var phase = progress.Phase($"student {arch} distilled (T={settings.Temperature}, α={settings.Alpha}) with {string.Join(" + ", plan.TermLabels)}, {labelled:N0} labels", 1.0))
        {
            var request = new PipelineRequest($"{arch}/{seed}/{labelled}/features", sources, model, train, labels, settings)
            {
                Evaluation = new StudentEvaluation(validation, test),
                CheckpointPath = checkpointPath,
                Features = plan,
                OnShardTrained = (done, total) => phase.Report((double)done / total),
                OnEpoch = e => history.Add(new EpochAccuracy(e.Epoch + 1, e.ValidationAccuracy, e.TestAccuracy)),
            };
            result = await DistillationPipeline.RunAsync(request, akka, cancellationToken).ConfigureAwait(false);
        }

        var features = Summarize(plan, result);
        return (model, StudentRuns.Summarize(model, labelled, distilled: true, history, test), result, features);
    }

    /// <summary>What a feature run reports: its terms, how features travelled, bytes per shard, and each term's mean over the last epoch.</summary>
    public static FeatureSummary Summarize(FeaturePlan plan, PipelineResult result)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(result);
        var shards = Math.Max(1, result.Aggregator.Aggregated);
        return new FeatureSummary(plan.TermLabels, plan.Wire.AttentionMaps, plan.Wire.Float16,
            result.Aggregator.LogitBytes / shards, result.Aggregator.FeatureBytes / shards,
            result.Student.Epochs.Count == 0 ? new Dictionary<string, double>() : result.Student.Epochs[^1].Terms);
    }
}
