using Akka.Configuration;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Training;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Reports;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Experiments;

/// <summary>The two ways the demo trains a student: from labels alone (stopping early), or distilled through the actor pipeline.</summary>
public static class StudentRuns
{
    /// <summary>
    /// Trains a student on labelled rows until its validation accuracy has not improved for <paramref name="patience"/>
    /// epochs (at most <paramref name="maxEpochs"/>), keeping the best epoch's weights.
    /// </summary>
    public static (Model Model, StudentSummary Summary) Scratch(string arch, long seed, Dataset labelled, Dataset validation, Dataset test,
        int maxEpochs, int patience, DistillationSettings settings, IRunProgress progress, CancellationToken cancellationToken)
    {
        var model = Model.Create(arch, (ulong)seed);
        var history = new List<EpochAccuracy>();
        var options = new TrainingOptions { Epochs = maxEpochs, BatchSize = settings.BatchSize, LearningRate = settings.LearningRate, Seed = seed, Patience = patience };
        using (var phase = progress.Phase($"student {arch} from scratch, {labelled.Count:N0} labels", maxEpochs))
        {
            new SupervisedTrainer(model, options).Train(labelled, validation, null, cancellationToken, e =>
            {
                history.Add(new EpochAccuracy(e.Epoch, e.EvaluationAccuracy!.Value, Evaluator.Evaluate(model, test, cancellationToken).Accuracy));
                phase.Report(e.Epoch, $"epoch {e.Epoch}: validation {e.EvaluationAccuracy:P1}");
            });
        }

        return (model, Summarize(model, labelled.Count, distilled: false, history, test));
    }

    /// <summary>
    /// Trains a student through the actor pipeline from cached teacher logits, keeping the best validation epoch;
    /// <paramref name="akka"/> configures the pipeline's ActorSystem.
    /// </summary>
    public static async Task<(Model Model, StudentSummary Summary, PipelineResult Pipeline)> DistilledAsync(string arch, long seed, Dataset train,
        int[] labels, IReadOnlyList<(string Id, LogitTable Logits)> teachers, DistillationSettings settings, Dataset validation, Dataset test,
        IRunProgress progress, Config akka, CancellationToken cancellationToken, string? checkpointPath = null)
    {
        var model = Model.Create(arch, (ulong)seed);
        var labelled = labels.Count(l => l >= 0);
        var history = new List<EpochAccuracy>();
        PipelineResult result;
        using (var phase = progress.Phase($"student {arch} distilled (T={settings.Temperature}, α={settings.Alpha}), {labelled:N0} labels", 1.0))
        {
            var request = new PipelineRequest($"{arch}/{seed}/{labelled}", teachers.Select(t => new PipelineTeacher(t.Id, new CachedLogitSource(t.Logits))).ToList(),
                model, train, labels, settings)
            {
                Evaluation = new StudentEvaluation(validation, test),
                CheckpointPath = checkpointPath,
                OnShardTrained = (done, total) => phase.Report((double)done / total),
                OnEpoch = e => history.Add(new EpochAccuracy(e.Epoch + 1, e.ValidationAccuracy, e.TestAccuracy)),
            };
            result = await DistillationPipeline.RunAsync(request, akka, cancellationToken).ConfigureAwait(false);
        }

        return (model, Summarize(model, labelled, distilled: true, history, test), result);
    }

    internal static StudentSummary Summarize(Model model, int labels, bool distilled, IReadOnlyList<EpochAccuracy> history, Dataset test)
    {
        var best = history.Count == 0 ? null : history.MaxBy(h => h.ValidationAccuracy);
        return new StudentSummary
        {
            Arch = model.Architecture.Text,
            Params = model.ParameterCount,
            Labels = labels,
            Distilled = distilled,
            TestAccuracy = Evaluator.Evaluate(model, test).Accuracy,
            ValidationAccuracy = best?.ValidationAccuracy ?? double.NaN,
            Epochs = history.Count,
            BestEpoch = best?.Epoch ?? 0,
            InferSamplesPerS = Math.Round(Throughput.InferenceSamplesPerSecond(model)),
            History = history,
        };
    }
}
