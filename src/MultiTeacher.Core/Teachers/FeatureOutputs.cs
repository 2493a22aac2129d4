using MultiTeacher.Core.Losses.Features;
using MultiTeacher.Core.Torch;
using TorchSharp;

namespace MultiTeacher.Core.Teachers;

/// <summary>Turns a feature tensor into what a teacher sends: the feature itself or its attention map, as plain floats.</summary>
internal static class FeatureOutputs
{
    /// <summary>The values (C order) and shape of <paramref name="feature"/>, or of its attention map when the request asks for one.</summary>
    public static TeacherOutput From(torch.Tensor feature, FeatureRequest request)
    {
        var output = request.AttentionMap ? AttentionTransfer.Map(feature, request.Power) : feature;
        return new TeacherOutput(TensorData.ToArray(output), output.shape);
    }
}
