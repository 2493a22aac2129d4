using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using MultiTeacher.Core.Training;
using TorchSharp;

namespace MultiTeacher.Distillation.Teachers;

/// <summary>Logits computed by running the teacher network (evaluation mode) on the rows. Not thread-safe: one per actor.</summary>
public sealed partial class ModelLogitSource : ILogitSource
{
    private const int Batch = 256;
    private readonly Dataset _data;

    /// <summary>Serves <paramref name="model"/>'s logits on rows of <paramref name="data"/>.</summary>
    public ModelLogitSource(Model model, Dataset data)
    {
        Core.Training.DataCompatibility.Check(model.Architecture, data, "teacher");
        Model = model;
        _data = data;
    }

    /// <summary>The network.</summary>
    public Model Model { get; }

    /// <inheritdoc />
    public int Classes => Model.Classes;

    /// <inheritdoc />
    public long Version { get; private set; }

    /// <summary>Replaces the weights (between shards) and moves to <paramref name="version"/>.</summary>
    public void Swap(float[] weights, long version)
    {
        if (weights.Length != Model.ParameterCount)
        {
            throw new ArgumentException($"a checkpoint of {weights.Length} parameters cannot replace the {Model.ParameterCount} of {Model.Architecture}");
        }

        Model.SetWeights(weights);
        Version = version;
    }

    /// <inheritdoc />
    public void Logits(ReadOnlySpan<int> rows, Span<float> destination)
    {
        Model.eval();
        using var inference = torch.inference_mode();
        for (var first = 0; first < rows.Length; first += Batch)
        {
            using var scope = torch.NewDisposeScope();
            var count = Math.Min(Batch, rows.Length - first);
            var logits = Model.forward(Batches.Gather(_data, rows.Slice(first, count))); // (count, classes)
            TensorData.CopyTo(logits, destination.Slice(first * Classes, count * Classes));
        }
    }
}
