using System.Diagnostics;
using System.Globalization;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Core.Training;
using MultiTeacher.Distillation.Data;
using MultiTeacher.Distillation.Reports;
using MultiTeacher.Distillation.Students;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Experiments;

/// <summary>
/// Distils one student from the teachers of a <see cref="DistillRequest"/> through the actor pipeline. Every teacher is
/// checked against the data before anything runs: a mismatch names the teacher and both sides.
/// </summary>
public static class DistillRunner
{
    /// <summary>Runs the request on the Fashion-MNIST (or IDX) data found from <paramref name="dataDirectory"/>.</summary>
    public static async Task<RunSummary> RunAsync(DistillRequest request, string? dataDirectory, string outDirectory, IRunProgress progress,
        CancellationToken cancellationToken)
    {
        request.Settings.Validate();
        var clock = Stopwatch.StartNew();
        var train = DatasetCatalog.Load(dataDirectory, "train");
        var test = DatasetCatalog.Load(dataDirectory, "test");
        var studentArch = Architecture.Parse(request.Student);
        DataCompatibility.Check(studentArch, train, $"student {request.Student}");
        var teachers = LoadTeachers(request, train, test, progress, cancellationToken);
        var split = TrainValidationSplit.Create(train, request.ValidationRows, request.Settings.Seed);
        var labels = request.Settings.Labels.Apply(split.Train, request.Settings.Seed);

        Directory.CreateDirectory(Path.Combine(outDirectory, "students"));
        var checkpoint = Path.Combine(outDirectory, "students", "student.safetensors");
        var (model, summary, pipeline) = await StudentRuns.DistilledAsync(request.Student, request.Settings.Seed, split.Train, labels,
            teachers.Select(t => (t.Summary.Id, t.Train.Subset(split.TrainRows))).ToList(), request.Settings, split.Validation, test, progress,
            cancellationToken, checkpoint).ConfigureAwait(false);
        ModelCheckpoint.Save(model, checkpoint, new Dictionary<string, string>
        {
            ["dataset"] = DatasetCatalog.FashionMnist,
            ["seed"] = request.Settings.Seed.ToString(CultureInfo.InvariantCulture),
            ["temperature"] = request.Settings.Temperature.ToString(CultureInfo.InvariantCulture),
            ["alpha"] = request.Settings.Alpha.ToString(CultureInfo.InvariantCulture),
            ["labels"] = summary.Labels.ToString(CultureInfo.InvariantCulture),
            ["teachers"] = string.Join(",", teachers.Select(t => t.Summary.Id)),
            ["test_accuracy"] = summary.TestAccuracy.ToString("R", CultureInfo.InvariantCulture),
        });

        var settings = request.Settings;
        var run = new RunSummary
        {
            Id = Path.GetFileName(Path.GetFullPath(outDirectory)),
            Dataset = new DatasetSummary(DatasetCatalog.FashionMnist, split.Train.Count, split.Validation.Count, test.Count, test.Classes),
            Distillation = new DistillationSummary(settings.Temperature, settings.Alpha, settings.Aggregation.ToString().ToLowerInvariant(), []),
            Teachers = teachers.Select(t => t.Summary).ToList(),
            Ensemble = Ensemble(teachers, test),
            Students = new Dictionary<string, StudentSummary> { ["distilled"] = summary with { File = checkpoint } },
            Shards = pipeline.Shards,
            Transport = "inproc",
            Threads = Gemm.Threads,
            ElapsedSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
        run.Write(Path.Combine(outDirectory, "summary.json"));
        DemoReport.Build(run).Write(Path.Combine(outDirectory, "report.html"));
        return run;
    }

    private static List<LoadedTeacher> LoadTeachers(DistillRequest request, Dataset train, Dataset test, IRunProgress progress, CancellationToken cancellationToken)
    {
        if (request.Teachers.Count == 0 && request.TeacherLogits.Count == 0 && request.Settings.Alpha > 0)
        {
            throw new ArgumentException("no teachers: name teacher files (distill.teachers) or teacher logits (--teacher-logits a.npy,b.npy)");
        }

        var teachers = new List<LoadedTeacher>();
        foreach (var path in request.Teachers)
        {
            var loaded = ModelCheckpoint.Load(path);
            var arch = loaded.Model.Architecture;
            if (arch.InputSize != train.Features || arch.Classes != train.Classes)
            {
                throw new InvalidOperationException(
                    $"teacher {path} ({arch}) takes {arch.InputSize} inputs and predicts {arch.Classes} classes; " +
                    $"the data {train.Name} has {train.Features} features and {train.Classes} classes");
            }

            using var phase = progress.Phase($"teacher pass of {Path.GetFileName(path)} (cached beside it)", 1);
            var trainLogits = TeacherLogitsCache.GetOrCompute(path, loaded.Model, train, cancellationToken);
            var testLogits = TeacherLogitsCache.GetOrCompute(path, loaded.Model, test, cancellationToken);
            var accuracy = Evaluator.FromLogits(testLogits.Values, test.Labels, test.Classes).Accuracy;
            teachers.Add(new LoadedTeacher(new ModelSummary(Path.GetFileNameWithoutExtension(path), arch.Text, loaded.Model.Parameters.Count, accuracy,
                Math.Round(Throughput.InferenceSamplesPerSecond(loaded.Model)), path), trainLogits, testLogits));
        }

        foreach (var path in request.TeacherLogits)
        {
            var table = LogitTable.Load(path);
            if (table.Rows != train.Count || table.Classes != train.Classes)
            {
                throw new InvalidOperationException(
                    $"teacher logits {path} have shape ({table.Rows}, {table.Classes}); the data {train.Name} needs ({train.Count}, {train.Classes})");
            }

            teachers.Add(new LoadedTeacher(new ModelSummary(Path.GetFileNameWithoutExtension(path), "logits (.npy)", 0, double.NaN, 0, path), table, null));
        }

        return teachers;
    }

    private static ModelSummary Ensemble(List<LoadedTeacher> teachers, Dataset test)
    {
        var withTest = teachers.Where(t => t.Test is not null).ToList();
        if (withTest.Count == 0)
        {
            return new ModelSummary("ensemble", "", 0, double.NaN, 0);
        }

        var targets = EnsembleTargets.ForAll(withTest.Select(t => t.Test!).ToList(), new DistillationSettings { Temperature = 1f });
        return new ModelSummary("ensemble", string.Join(" + ", withTest.Select(t => t.Summary.Arch)), withTest.Sum(t => t.Summary.Params),
            Evaluator.FromLogits(targets, test.Labels, test.Classes).Accuracy,
            Math.Round(Throughput.Sequential(withTest.Select(t => t.Summary.InferSamplesPerS))));
    }

    private sealed record LoadedTeacher(ModelSummary Summary, LogitTable Train, LogitTable? Test);
}
