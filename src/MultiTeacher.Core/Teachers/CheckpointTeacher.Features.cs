using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;

namespace MultiTeacher.Core.Teachers;

/// <summary>Named intermediate outputs of a checkpoint teacher: its model's layers.</summary>
public sealed partial class CheckpointTeacher : IFeatureTeacher
{
    /// <inheritdoc />
    public IReadOnlyList<string> FeatureLayers => Model.LayerNames;

    /// <inheritdoc />
    public TeacherFeatures RunWithFeatures(ReadOnlyMemory<float> inputs, int rows, int[] sampleShape, IReadOnlyList<FeatureRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentNullException.ThrowIfNull(requests);
        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        Model.eval();
        var x = TensorData.From(inputs.Span, [rows, ShapeText.Product(sampleShape)], TorchRuntime.Device);
        try
        {
            var result = Model.ForwardWithFeatures(x, requests.Select(r => r.Layer).ToList());
            var features = requests.Select((request, i) => FeatureOutputs.From(result.Features[i], request)).ToList();
            return new TeacherFeatures(new TeacherOutput(TensorData.ToArray(result.Logits), result.Logits.shape), features);
        }
        catch (ShapeMismatchException e)
        {
            throw new TeacherRefusedException(Path, $"needs other inputs than the data's {ShapeText.FormatBatch(sampleShape)}: {e.Message}", e);
        }
    }
}
