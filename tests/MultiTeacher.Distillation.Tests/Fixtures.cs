using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Tests;

/// <summary>Small data and teachers shared by the pipeline tests.</summary>
internal static class Fixtures
{
    public const int Classes = 4;
    public const int Features = 32;

    public static Dataset Data { get; } = SyntheticDataset.Create(700, Classes, Features, seed: 21);

    /// <summary>A teacher's logits: a briefly trained model's, so they carry class information.</summary>
    public static LogitTable TeacherLogits(ulong seed)
    {
        var model = Model.Create($"mlp:{Features}-16-{Classes}", seed);
        new Core.Training.SupervisedTrainer(model, new Core.Training.TrainingOptions { Epochs = 1, BatchSize = 32, Seed = (long)seed }).Train(Data, null);
        return new LogitTable(Core.Training.Evaluator.Logits(model, Data), Data.Count, Classes);
    }

    /// <summary>Random logits of the given shape.</summary>
    public static float[] RandomLogits(int rows, ulong seed, float scale = 3f)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, rows * Classes).Select(_ => (float)rng.NextGaussian() * scale).ToArray();
    }

    /// <summary>Labels with every third row unlabelled.</summary>
    public static int[] SomeLabels() => Data.Labels.Select((l, i) => i % 3 == 0 ? -1 : l).ToArray();
}
