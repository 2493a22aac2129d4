using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using MultiTeacher.Core.Training;
using TorchSharp;

namespace MultiTeacher.Distillation.Teachers;

/// <summary>
/// Logits computed by running the teacher network (evaluation mode) on the rows. One network may serve the replicas of
/// two overlapping runs (a <c>--live</c> teacher node keeps it per recipe): a lock makes them take turns, and a
/// <see cref="Swap"/> waits until the pass that runs ends, so no pass sees half-replaced weights.
/// </summary>
public sealed partial class ModelLogitSource : ILogitSource
{
    private const int Batch = 256;
    private readonly Dataset _data;
    private readonly Lock _gate = new();

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
    public long Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    private long _version;

    /// <summary>Replaces the weights (between shards) and moves to <paramref name="version"/>.</summary>
    public void Swap(float[] weights, long version)
    {
        if (weights.Length != Model.ParameterCount)
        {
            throw new ArgumentException($"a checkpoint of {weights.Length} parameters cannot replace the {Model.ParameterCount} of {Model.Architecture}");
        }

        lock (_gate)
        {
            Model.SetWeights(weights);
            _version = version;
        }
    }

    /// <inheritdoc />
    public void Logits(ReadOnlySpan<int> rows, Span<float> destination)
    {
        lock (_gate)
        {
            Run(rows, destination);
        }
    }

    private void Run(ReadOnlySpan<int> rows, Span<float> destination)
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
