using System.Globalization;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Training;

namespace MultiTeacher.Distillation.Experiments;

/// <summary>
/// Teachers cached on disk by architecture, seed and epochs (under <c>models/</c>): a teacher is trained once, then
/// reused by every later run. A cached file that cannot be read is trained again, and the reason said.
/// </summary>
public sealed class TeacherStore(string directory)
{
    /// <summary>The folder holding the teachers.</summary>
    public string Directory { get; } = directory;

    /// <summary>The path of <paramref name="spec"/>'s file.</summary>
    public string PathOf(TeacherSpec spec) => Path.Combine(Directory, spec.FileName);

    /// <summary>Loads the teacher, or trains and saves it; <paramref name="trained"/> says which happened.</summary>
    public LoadedModel GetOrTrain(TeacherSpec spec, Dataset train, Dataset test, IRunProgress progress, out bool trained,
        CancellationToken cancellationToken = default)
    {
        var path = PathOf(spec);
        if (File.Exists(path))
        {
            try
            {
                var loaded = ModelCheckpoint.Load(path);
                if (loaded.Model.Architecture.Text == Architecture.Parse(spec.Arch).Text)
                {
                    trained = false;
                    return loaded;
                }
            }
            catch (IOException e)
            {
                progress.Phase($"cached teacher {path} is unreadable ({e.Message}); training it again", 1).Dispose();
            }
        }

        System.IO.Directory.CreateDirectory(Directory);
        var rows = train.FirstRows(spec.TrainRows);
        var model = Model.Create(spec.Arch, (ulong)spec.Seed);
        var options = new TrainingOptions { Epochs = spec.Epochs, Seed = spec.Seed };
        var batches = (double)spec.Epochs * ((rows.Count + options.BatchSize - 1) / options.BatchSize);
        IReadOnlyList<EpochSummary> epochs;
        using (var phase = progress.Phase($"teacher {spec.Arch} seed {spec.Seed}", batches))
        {
            epochs = new SupervisedTrainer(model, options).Train(rows, test,
                p => phase.Report(((p.Epoch - 1) * p.Batches) + p.Batch, $"epoch {p.Epoch}/{p.Epochs} loss {p.Loss:F3} acc {p.Accuracy:P1}"),
                cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        ModelCheckpoint.Save(model, path, new Dictionary<string, string>
        {
            ["dataset"] = DatasetCatalog.FashionMnist,
            ["seed"] = spec.Seed.ToString(CultureInfo.InvariantCulture),
            ["epochs"] = spec.Epochs.ToString(CultureInfo.InvariantCulture),
            ["train_rows"] = rows.Count.ToString(CultureInfo.InvariantCulture),
            ["test_accuracy"] = epochs[^1].EvaluationAccuracy!.Value.ToString("R", CultureInfo.InvariantCulture),
        });
        trained = true;
        return new LoadedModel(model, ModelCheckpoint.MetadataOf(model, null), path);
    }
}
