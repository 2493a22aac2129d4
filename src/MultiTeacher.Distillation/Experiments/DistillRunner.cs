using System.Diagnostics;
using System.Globalization;
using Akka.Configuration;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using MultiTeacher.Core.Training;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Reports;
using MultiTeacher.Distillation.Students;

namespace MultiTeacher.Distillation.Experiments;

/// <summary>
/// Distils one student from the teachers of a <see cref="DistillRequest"/> through the actor pipeline. Every teacher is
/// checked against the data before anything runs: a mismatch names the teacher and both sides.
/// </summary>
public static class DistillRunner
{
    /// <summary>
    /// Runs the request on its .npy data, or on the Fashion-MNIST (or IDX) data found from <paramref name="dataDirectory"/>;
    /// <paramref name="akka"/> configures the pipeline's ActorSystem.
    /// </summary>
    public static async Task<RunSummary> RunAsync(DistillRequest request, string? dataDirectory, string outDirectory, IRunProgress progress,
        Config akka, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var run = PreparedRun.Create(request, dataDirectory, progress, cancellationToken);
        var teachers = run.Teachers;

        Directory.CreateDirectory(Path.Combine(outDirectory, "students"));
        var checkpoint = Path.Combine(outDirectory, "students", "student.safetensors");
        FeatureSummary? features = null;
        Model model;
        StudentSummary summary;
        PipelineResult pipeline;
        if (request.Settings.Features.Count > 0)
        {
            (model, summary, pipeline, features) = await FeatureStudentRuns.DistilledAsync(run.Student.Text, request.Settings.Seed, run.Train, run.Labels,
                teachers, request.Settings, run.Validation, run.Test, progress, akka, cancellationToken, checkpoint, request.TeacherOptions).ConfigureAwait(false);
        }
        else
        {
            (model, summary, pipeline) = await StudentRuns.DistilledAsync(run.Student.Text, request.Settings.Seed, run.Train, run.Labels,
                teachers.Select(t => (t.Id, t.Train!)).ToList(), request.Settings, run.Validation, run.Test, progress, akka, cancellationToken, checkpoint)
                .ConfigureAwait(false);
        }

        var metadata = new Dictionary<string, string>
        {
            ["dataset"] = DatasetName(request),
            ["seed"] = request.Settings.Seed.ToString(CultureInfo.InvariantCulture),
            ["temperature"] = request.Settings.Temperature.ToString(CultureInfo.InvariantCulture),
            ["alpha"] = request.Settings.Alpha.ToString(CultureInfo.InvariantCulture),
            ["labels"] = summary.Labels.ToString(CultureInfo.InvariantCulture),
            ["teachers"] = string.Join(",", teachers.Select(t => t.Id)),
            ["test_accuracy"] = summary.TestAccuracy.ToString("R", CultureInfo.InvariantCulture),
        };
        // A student defined in PyTorch goes back as TorchScript too, and its whole state_dict as safetensors.
        var torchScript = StudentFile.Save(model, checkpoint, metadata);

        var settings = request.Settings;
        var result = new RunSummary
        {
            Id = Path.GetFileName(Path.GetFullPath(outDirectory)),
            Dataset = new DatasetSummary(DatasetName(request), run.Train.Count, run.Validation.Count, run.Test.Count, run.Test.Classes),
            Distillation = new DistillationSummary(settings.Temperature, settings.Alpha, settings.Aggregation.ToString().ToLowerInvariant(), []),
            Teachers = teachers.Select(t => t.Summary!).ToList(),
            Ensemble = Ensemble(teachers, run.Test),
            Students = new Dictionary<string, StudentSummary> { ["distilled"] = summary with { File = checkpoint, TorchScriptFile = torchScript } },
            Shards = pipeline.Shards,
            Transport = "inproc",
            Threads = TorchRuntime.Threads,
            ElapsedSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            Features = features,
        };
        result.Write(Path.Combine(outDirectory, "summary.json"));
        DemoReport.Build(result).Write(Path.Combine(outDirectory, "report.html"));
        return result;
    }

    private static string DatasetName(DistillRequest request) => request.Data?.Name ?? DatasetCatalog.FashionMnist;

    private static ModelSummary Ensemble(IReadOnlyList<PreparedTeacher> teachers, Dataset test)
    {
        var withTest = teachers.Where(t => t.Test is not null && t.Summary is not null).ToList();
        if (withTest.Count == 0)
        {
            return new ModelSummary("ensemble", "", 0, double.NaN, 0);
        }

        var targets = EnsembleTargets.ForAll(withTest.Select(t => t.Test!).ToList(), new DistillationSettings { Temperature = 1f });
        return new ModelSummary("ensemble", string.Join(" + ", withTest.Select(t => t.Summary!.Arch)), withTest.Sum(t => t.Summary!.Params),
            Evaluator.FromLogits(targets, test.Labels, test.Classes).Accuracy,
            Math.Round(Throughput.Sequential(withTest.Select(t => t.Summary!.InferSamplesPerS))));
    }
}
