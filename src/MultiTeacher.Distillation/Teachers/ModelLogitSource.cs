using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Tensors;

namespace MultiTeacher.Distillation.Teachers;

/// <summary>Logits computed by running the teacher network (evaluation mode) on the rows. Not thread-safe: one per actor.</summary>
public sealed class ModelLogitSource : ILogitSource
{
    private const int Batch = 256;
    private readonly Dataset _data;
    private readonly Tensor _inputs;

    /// <summary>Serves <paramref name="model"/>'s logits on rows of <paramref name="data"/>.</summary>
    public ModelLogitSource(Model model, Dataset data)
    {
        Core.Training.DataCompatibility.Check(model.Architecture, data, "teacher");
        Model = model;
        _data = data;
        _inputs = new Tensor(Batch, data.Features);
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
        if (weights.Length != Model.Parameters.Count)
        {
            throw new ArgumentException($"a checkpoint of {weights.Length} parameters cannot replace the {Model.Parameters.Count} of {Model.Architecture}");
        }

        weights.CopyTo(Model.Parameters.Values, 0);
        Version = version;
    }

    /// <inheritdoc />
    public void Logits(ReadOnlySpan<int> rows, Span<float> destination)
    {
        var features = _data.Features;
        for (var first = 0; first < rows.Length; first += Batch)
        {
            var count = Math.Min(Batch, rows.Length - first);
            _inputs.Reshape(count, features);
            for (var i = 0; i < count; i++)
            {
                _data.Row(rows[first + i]).CopyTo(_inputs.Span.Slice(i * features, features));
            }

            Model.Forward(_inputs, training: false).Span.CopyTo(destination.Slice(first * Classes, count * Classes));
        }
    }
}
