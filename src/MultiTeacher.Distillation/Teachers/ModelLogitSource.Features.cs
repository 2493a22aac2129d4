using MultiTeacher.Core.Losses.Features;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Teachers;
using MultiTeacher.Core.Torch;
using MultiTeacher.Core.Training;
using MultiTeacher.Distillation.Features;
using TorchSharp;

namespace MultiTeacher.Distillation.Teachers;

/// <summary>Features of a teacher network: its layers' outputs, computed in the same pass as its logits.</summary>
public sealed partial class ModelLogitSource : IFeatureSource
{
    /// <inheritdoc />
    public int[] FeatureShape(string layer) => Model.FeatureShape(layer);

    /// <inheritdoc />
    public IReadOnlyList<TeacherOutput> LogitsAndFeatures(ReadOnlySpan<int> rows, Span<float> logits, IReadOnlyList<FeatureRequest> requests)
    {
        lock (_gate)
        {
            return RunWithFeatures(rows, logits, requests);
        }
    }

    private List<TeacherOutput> RunWithFeatures(ReadOnlySpan<int> rows, Span<float> logits, IReadOnlyList<FeatureRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var layers = requests.Select(r => r.Layer).ToList();
        var shapes = requests.Select(r =>
        {
            var shape = Model.FeatureShape(r.Layer);
            return r.AttentionMap ? shape[1..] : shape;
        }).ToArray();
        var rowCount = rows.Length;
        var features = shapes.Select(s => new float[rowCount * ShapeText.Product(s)]).ToArray();
        Model.eval();
        using var inference = torch.inference_mode();
        for (var first = 0; first < rows.Length; first += Batch)
        {
            using var scope = torch.NewDisposeScope();
            var count = Math.Min(Batch, rows.Length - first);
            var result = Model.ForwardWithFeatures(Batches.Gather(_data, rows.Slice(first, count)), layers); // logits (count, classes)
            TensorData.CopyTo(result.Logits, logits.Slice(first * Classes, count * Classes));
            for (var f = 0; f < requests.Count; f++)
            {
                var feature = requests[f].AttentionMap ? AttentionTransfer.Map(result.Features[f], requests[f].Power) : result.Features[f];
                var length = ShapeText.Product(shapes[f]);
                TensorData.CopyTo(feature, features[f].AsSpan(first * length, count * length));
            }
        }

        return features.Select((values, f) => new TeacherOutput(values, [rowCount, .. shapes[f].Select(d => (long)d)])).ToList();
    }
}
