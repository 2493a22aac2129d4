using MultiTeacher.Core.Teachers;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Features;

/// <summary>A teacher's logit source that also serves named intermediate outputs of its network.</summary>
public interface IFeatureSource : ILogitSource
{
    /// <summary>The per-sample shape of layer <paramref name="layer"/>'s output.</summary>
    /// <exception cref="Core.Models.UnknownLayerException">No such layer; the message lists those that exist.</exception>
    int[] FeatureShape(string layer);

    /// <summary>
    /// Writes the logits of <paramref name="rows"/> into <paramref name="logits"/>, exactly as <see cref="ILogitSource.Logits"/>
    /// does, and returns the requested features of the same rows (values row-major, shape (rows, ...)).
    /// </summary>
    IReadOnlyList<TeacherOutput> LogitsAndFeatures(ReadOnlySpan<int> rows, Span<float> logits, IReadOnlyList<FeatureRequest> requests);
}
