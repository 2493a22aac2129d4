using System.Diagnostics;
using Akka.Configuration;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using MultiTeacher.Core.Training;
using MultiTeacher.Distillation.Data;
using MultiTeacher.Distillation.Reports;
using MultiTeacher.Distillation.Students;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Experiments;

/// <summary>Runs the demo of a <see cref="DemoPlan"/> and writes summary.json, report.html and the students' files.</summary>
public static class DemoRunner
{
    /// <summary>Role names of the four students, as in summary.json.</summary>
    public static readonly string[] StudentRoles = ["scratch", "distilled", "scratch_few_labels", "distilled_few_labels"];

    /// <summary>
    /// Runs the demo; <paramref name="outDirectory"/> receives the results. <paramref name="distill"/> trains the two
    /// distilled students (null: the actor pipeline in this process, its ActorSystem configured by <paramref name="akka"/>).
    /// </summary>
    public static async Task<RunSummary> RunAsync(DemoPlan plan, string? dataDirectory, string modelsDirectory, string outDirectory,
        IRunProgress progress, Config akka, CancellationToken cancellationToken, DistilledStudentRunner? distill = null)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(Path.Combine(outDirectory, "students"));
        var fullTrain = DatasetCatalog.Load(dataDirectory, "train");
        var test = DatasetCatalog.Load(dataDirectory, "test");
        var train = fullTrain.FirstRows(plan.TrainRows);
        var split = TrainValidationSplit.Create(train, plan.ValidationRows, plan.StudentSeed);
        var teachers = PrepareTeachers(plan, train, test, split, new TeacherStore(modelsDirectory), progress, cancellationToken);

        var baseSettings = new DistillationSettings { Seed = plan.StudentSeed, Epochs = plan.DistillEpochs };
        var teacherLogits = teachers.Select(t => t.TrainLogits).ToList();
        var allLabels = split.Train.Labels;
        var fewLabels = new LabelBudget(plan.FewLabels, null).Apply(split.Train, plan.StudentSeed);
        var (gridAll, bestAll) = GridSearch.Run(plan.Student, split.Train, allLabels, teacherLogits, baseSettings, plan.Temperatures, plan.Alphas,
            plan.GridEpochs, split.Validation, "all", progress, cancellationToken);
        var (gridFew, bestFew) = GridSearch.Run(plan.Student, split.Train, fewLabels, teacherLogits, baseSettings, plan.Temperatures, plan.Alphas,
            plan.GridEpochs, split.Validation, plan.FewLabels.ToString(System.Globalization.CultureInfo.InvariantCulture), progress, cancellationToken);

        var pipelineTeachers = teachers.Select(t => (t.Summary.Id, t.TrainLogits)).ToList();
        var fewRows = Enumerable.Range(0, fewLabels.Length).Where(r => fewLabels[r] >= 0).ToArray();
        var students = new Dictionary<string, (Model Model, StudentSummary Summary)>
        {
            ["scratch"] = StudentRuns.Scratch(plan.Student, plan.StudentSeed, split.Train, split.Validation, test, plan.ScratchMaxEpochs, plan.Patience,
                baseSettings, progress, cancellationToken),
            ["scratch_few_labels"] = StudentRuns.Scratch(plan.Student, plan.StudentSeed, split.Train.Subset(fewRows), split.Validation, test,
                plan.FewLabelScratchMaxEpochs, plan.Patience * 2, baseSettings, progress, cancellationToken),
        };
        distill ??= InProcess(split, test, pipelineTeachers, akka);
        DistillRequest Request(DistillationSettings settings) => new()
        {
            Teachers = teachers.Select(t => t.Summary.File!).ToList(), Student = plan.Student, TrainRows = plan.TrainRows,
            ValidationRows = plan.ValidationRows, Settings = settings with { Seed = plan.StudentSeed },
        };
        var distilled = await distill(Request(bestAll), progress, cancellationToken).ConfigureAwait(false);
        var distilledFew = await distill(Request(bestFew with { Labels = new LabelBudget(plan.FewLabels, null) }), progress, cancellationToken)
            .ConfigureAwait(false);
        students["distilled"] = (distilled.Model, distilled.Summary);
        students["distilled_few_labels"] = (distilledFew.Model, distilledFew.Summary);

        var saved = new Dictionary<string, StudentSummary>();
        foreach (var role in StudentRoles)
        {
            var (model, summary) = students[role];
            var file = Path.Combine(outDirectory, "students", role + ".safetensors");
            ModelCheckpoint.Save(model, file, new Dictionary<string, string>
            {
                ["dataset"] = DatasetCatalog.FashionMnist,
                ["seed"] = plan.StudentSeed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["labels"] = summary.Labels.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["distilled"] = summary.Distilled ? "true" : "false",
                ["test_accuracy"] = summary.TestAccuracy.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            });
            saved[role] = summary with { File = file };
        }

        var a = distilled.Shards;
        var b = distilledFew.Shards;
        var summaryFile = new RunSummary
        {
            Id = Path.GetFileName(Path.GetFullPath(outDirectory)),
            Dataset = new DatasetSummary(DatasetCatalog.FashionMnist, split.Train.Count, split.Validation.Count, test.Count, test.Classes),
            Distillation = new DistillationSummary(Math.Round(bestFew.Temperature, 4), Math.Round(bestFew.Alpha, 4), bestFew.Aggregation.ToString().ToLowerInvariant(), [.. gridAll, .. gridFew])
            {
                Chosen = new Dictionary<string, GridPoint>
                {
                    ["all"] = gridAll.Single(p => p.Temperature == Math.Round(bestAll.Temperature, 4) && p.Alpha == Math.Round(bestAll.Alpha, 4)),
                    ["few_labels"] = gridFew.Single(p => p.Temperature == Math.Round(bestFew.Temperature, 4) && p.Alpha == Math.Round(bestFew.Alpha, 4)),
                },
            },
            Teachers = teachers.Select(t => t.Summary).ToList(),
            Ensemble = Ensemble(plan, teachers, test),
            Students = saved,
            Shards = new ShardCounters(a.Planned + b.Planned, a.Aggregated + b.Aggregated, a.Trained + b.Trained,
                a.DuplicatesDropped + b.DuplicatesDropped, a.ClosedIncomplete + b.ClosedIncomplete, a.RejectedOutputs + b.RejectedOutputs),
            Transport = distilled.Cluster is null ? "inproc" : "akka.cluster",
            Threads = TorchRuntime.Threads,
            ElapsedSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            Cluster = ClusterSummary.Combine(distilled.Cluster, distilledFew.Cluster),
        };
        summaryFile.Write(Path.Combine(outDirectory, "summary.json"));
        DemoReport.Build(summaryFile).Write(Path.Combine(outDirectory, "report.html"));
        return summaryFile;
    }

    // The actor pipeline in this process, on the split and teacher passes the demo already holds.
    private static DistilledStudentRunner InProcess(TrainValidationSplit split, Dataset test, IReadOnlyList<(string Id, LogitTable Logits)> teachers, Config akka) =>
        async (request, progress, cancellationToken) =>
        {
            var labels = request.Settings.Labels.IsAll ? split.Train.Labels : request.Settings.Labels.Apply(split.Train, request.Settings.Seed);
            var (model, summary, pipeline) = await StudentRuns.DistilledAsync(request.Student, request.Settings.Seed, split.Train, labels, teachers,
                request.Settings, split.Validation, test, progress, akka, cancellationToken).ConfigureAwait(false);
            return new DistilledStudent(model, summary, pipeline.Shards, null);
        };

    private static List<DemoTeacher> PrepareTeachers(DemoPlan plan, Dataset train, Dataset test, TrainValidationSplit split, TeacherStore store,
        IRunProgress progress, CancellationToken cancellationToken)
    {
        var teachers = new List<DemoTeacher>();
        foreach (var spec in plan.Teachers)
        {
            var loaded = store.GetOrTrain(spec, train, test, progress, out _, cancellationToken);
            using var phase = progress.Phase($"teacher pass of {spec.Id} (cached beside its file)", 1);
            var trainLogits = TeacherLogitsCache.GetOrCompute(loaded.Path, loaded.Model, train, cancellationToken);
            var testLogits = TeacherLogitsCache.GetOrCompute(loaded.Path, loaded.Model, test, cancellationToken);
            var accuracy = Evaluator.FromLogits(testLogits.Values, test.Labels, test.Classes).Accuracy;
            var summary = new ModelSummary(spec.Id, spec.Arch, loaded.Model.ParameterCount, accuracy,
                Math.Round(Throughput.InferenceSamplesPerSecond(loaded.Model)), loaded.Path);
            teachers.Add(new DemoTeacher(summary, trainLogits.Subset(split.TrainRows), testLogits));
        }

        return teachers;
    }

    private static ModelSummary Ensemble(DemoPlan plan, List<DemoTeacher> teachers, Dataset test)
    {
        var targets = EnsembleTargets.ForAll(teachers.Select(t => t.TestLogits).ToList(), new DistillationSettings { Temperature = 1f });
        return new ModelSummary("ensemble", string.Join(" + ", plan.Teachers.Select(t => t.Arch)), teachers.Sum(t => t.Summary.Params),
            Evaluator.FromLogits(targets, test.Labels, test.Classes).Accuracy, Math.Round(Throughput.Sequential(teachers.Select(t => t.Summary.InferSamplesPerS))));
    }

    private sealed record DemoTeacher(ModelSummary Summary, LogitTable TrainLogits, LogitTable TestLogits);
}
