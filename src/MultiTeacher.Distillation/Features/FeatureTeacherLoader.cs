using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Teachers;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Features;

/// <summary>
/// Loads the network of a teacher that serves features, whatever its file's format: our safetensors checkpoints by
/// layer name, TorchScript modules by the names of their top-level children, ONNX models by graph output name.
/// Used alike by <c>mt distill</c> and by a cluster's teacher nodes, so both compute the same features.
/// </summary>
public static class FeatureTeacherLoader
{
    /// <summary>The network of the teacher file <paramref name="path"/> on rows of <paramref name="train"/>, as a feature source.</summary>
    /// <exception cref="ArgumentException">The file cannot be loaded as a teacher; the message names it and says why.</exception>
    public static IFeatureSource Load(string id, string path, Dataset train, TeacherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        try
        {
            return TeacherFileFormat.Detect(path) == TeacherFormat.Safetensors
                ? new ModelLogitSource(ModelCheckpoint.Load(path).Model, train)
                : new NetworkLogitSource(TeacherLoader.Load(path, options), train);
        }
        catch (Exception e) when (e is DataFormatException or Core.Models.ArchitectureException or InvalidDataException or TeacherRefusedException)
        {
            throw new ArgumentException($"teacher {id} ({path}): its network cannot serve features: {e.Message}", e);
        }
    }

    /// <summary>
    /// The feature source of a prepared teacher: its cached logits, and its features from cached passes keyed by layer
    /// (computed once by its network, see <see cref="TeacherFeatureCache"/>) once <see cref="CachedFeatureSource.Prepare"/> ran.
    /// </summary>
    public static CachedFeatureSource Cached(string id, string path, LogitTable logits, Dataset train, TeacherOptions? options = null) =>
        new(path, Load(id, path, train, options), train, logits);
}
