using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Teachers;
using MultiTeacher.Core.Training;
using MultiTeacher.Distillation.Data;
using MultiTeacher.Distillation.Reports;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Experiments;

/// <summary>
/// What every participant of one <c>mt distill</c> run derives from its <see cref="DistillRequest"/> in the same way:
/// the training/validation split, the labelled rows, the shard plan and the teachers' cached passes. Built alike in
/// one process and on every node of a cluster, which is what lets the nodes agree without sending data.
/// </summary>
/// <param name="Train">The training rows after the validation split.</param>
/// <param name="Validation">Rows held out to pick the student's epoch.</param>
/// <param name="Test">The test set.</param>
/// <param name="Labels">Labels of <paramref name="Train"/>; −1 for rows without one.</param>
/// <param name="Planner">The run's shard plan over <paramref name="Train"/>.</param>
/// <param name="Teachers">Every teacher of the request in combination order; only those asked for are loaded.</param>
/// <param name="Student">The student's architecture.</param>
public sealed record PreparedRun(Dataset Train, Dataset Validation, Dataset Test, int[] Labels, ShardPlanner Planner,
    IReadOnlyList<PreparedTeacher> Teachers, Architecture Student)
{
    /// <summary>The number of labelled training rows.</summary>
    public int Labelled => Labels.Count(l => l >= 0);

    /// <summary>
    /// Loads the data and the teachers <paramref name="load"/> selects (all when null). Every teacher is checked
    /// against the data, loaded or not, so a mismatch is refused before a run starts, naming the teacher and both sides.
    /// </summary>
    public static PreparedRun Create(DistillRequest request, string? dataDirectory, IRunProgress progress, CancellationToken cancellationToken,
        Func<string, bool>? load = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Settings.Validate();
        var (fullTrain, test) = request.Data is { } files
            ? files.LoadSplits()
            : (DatasetCatalog.Load(dataDirectory, "train"), DatasetCatalog.Load(dataDirectory, "test"));
        var train = fullTrain.FirstRows(request.TrainRows);
        var student = Architecture.ForData(request.Student, train.SampleShape, train.Classes);
        DataCompatibility.Check(student, train, $"student {request.Student}");
        if (student.Kind == ArchitectureKind.Scripted)
        {
            // Loaded and probed once now, so that a module LibTorch cannot train is refused before any teacher pass.
            Model.Create(student, (ulong)request.Settings.Seed).Dispose();
        }
        if (request.Teachers.Count == 0 && request.TeacherLogits.Count == 0 && request.Settings.Alpha > 0)
        {
            throw new ArgumentException("no teachers: name teacher files (distill.teachers) or teacher logits (--teacher-logits a.npy,b.npy)");
        }

        var split = TrainValidationSplit.Create(train, request.ValidationRows, request.Settings.Seed);
        var labels = request.Settings.Labels.Apply(split.Train, request.Settings.Seed);
        var teachers = new List<PreparedTeacher>();
        // Every teacher file is loaded and probed on the run's data before any teacher pass: a refusal comes first.
        var networks = new List<ITeacherNetwork>();
        try
        {
            foreach (var path in request.Teachers)
            {
                var network = TeacherLoader.Load(path, OptionsOf(request, path));
                networks.Add(network);
                TeacherProbe.Check(network, train);
            }

            foreach (var (path, network) in request.Teachers.Zip(networks))
            {
                var id = PreparedTeacher.IdOf(path);
                teachers.Add(load is null || load(id)
                    ? LoadTeacher(network, VariantOf(request, path), test, split, progress, train, cancellationToken)
                    : new PreparedTeacher(id, path, null, null, null));
            }
        }
        finally
        {
            networks.ForEach(n => n.Dispose());
        }

        foreach (var path in request.TeacherLogits)
        {
            var id = PreparedTeacher.IdOf(path);
            teachers.Add(load is null || load(id) ? LoadLogits(path, train, split) : CheckLogits(path, id, train));
        }

        var planner = new ShardPlanner(split.Train.Name, split.Train.Count, request.Settings.Seed, request.Settings.ShardSize);
        return new PreparedRun(split.Train, split.Validation, test, labels, planner, teachers, student);
    }

    private static TeacherOptions OptionsOf(DistillRequest request, string path) =>
        request.TeacherOptions.TryGetValue(path, out var options) ? options : Core.Teachers.TeacherOptions.Default;

    /// <summary>What besides the file decides a teacher's logits (the chosen output, the input layout): part of the cache key.</summary>
    private static string? VariantOf(DistillRequest request, string path) =>
        request.TeacherOptions.TryGetValue(path, out var options) && options != Core.Teachers.TeacherOptions.Default
            ? $"output={options.Output};layout={options.InputLayout}"
            : null;

    private static PreparedTeacher CheckLogits(string path, string id, Dataset train)
    {
        Check(path, LogitTable.Load(path), train);
        return new PreparedTeacher(id, path, null, null, null);
    }

    private static void Check(string path, LogitTable table, Dataset train)
    {
        if (table.Rows != train.Count || table.Classes != train.Classes)
        {
            throw new InvalidOperationException(
                $"teacher logits {path} have shape ({table.Rows}, {table.Classes}); the data {train.Name} needs ({train.Count}, {train.Classes})");
        }
    }

    private static PreparedTeacher LoadTeacher(ITeacherNetwork network, string? variant, Dataset test, TrainValidationSplit split, IRunProgress progress,
        Dataset train, CancellationToken cancellationToken)
    {
        var path = network.Path;
        using var phase = progress.Phase($"teacher pass of {Path.GetFileName(path)} (cached beside it)", 1);
        var trainLogits = TeacherLogitsCache.GetOrCompute(network, train, variant, cancellationToken);
        var testLogits = TeacherLogitsCache.GetOrCompute(network, test, variant, cancellationToken);
        var accuracy = Evaluator.FromLogits(testLogits.Values, test.Labels, test.Classes).Accuracy;
        var summary = new ModelSummary(PreparedTeacher.IdOf(path), network.Description, (int)Math.Min(int.MaxValue, network.ParameterCount), accuracy,
            Math.Round(TeacherInference.SamplesPerSecond(network, train.SampleShape)), path);
        return new PreparedTeacher(summary.Id, path, summary, trainLogits.Subset(split.TrainRows), testLogits);
    }

    private static PreparedTeacher LoadLogits(string path, Dataset train, TrainValidationSplit split)
    {
        var table = LogitTable.Load(path);
        Check(path, table, train);

        var id = PreparedTeacher.IdOf(path);
        return new PreparedTeacher(id, path, new ModelSummary(id, "logits (.npy)", 0, double.NaN, 0, path), table.Subset(split.TrainRows), null);
    }
}

/// <summary>A teacher of a prepared run; <see cref="Train"/> is null for teachers this participant did not load.</summary>
/// <param name="Id">The teacher's id: its file name without extension.</param>
/// <param name="Path">Its model or logits file.</param>
/// <param name="Summary">Accuracy, size and speed, when loaded.</param>
/// <param name="Train">Its logits on the run's training rows, when loaded.</param>
/// <param name="Test">Its logits on the test set, for teacher files that were loaded.</param>
public sealed record PreparedTeacher(string Id, string Path, ModelSummary? Summary, LogitTable? Train, LogitTable? Test)
{
    /// <summary>The id of the teacher stored at <paramref name="path"/>.</summary>
    public static string IdOf(string path) => System.IO.Path.GetFileNameWithoutExtension(path);
}
