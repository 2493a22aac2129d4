namespace MultiTeacher.Core.Teachers;

/// <summary>
/// A teacher that serves named intermediate outputs beside its logits: our architectures by their <c>nn.Sequential</c>
/// layer names, TorchScript modules by the names of their top-level children when the module's forward runs those
/// children in order (checked on the first batch), ONNX models by the names of their graph outputs besides the logits.
/// </summary>
public interface IFeatureTeacher : ITeacherNetwork
{
    /// <summary>The layer names a <see cref="FeatureRequest"/> may use.</summary>
    IReadOnlyList<string> FeatureLayers { get; }

    /// <summary>Runs the network on a batch as <see cref="ITeacherNetwork.Run"/> does and returns the requested features too.</summary>
    /// <exception cref="Models.UnknownLayerException">A requested layer does not exist; the message lists those that do.</exception>
    /// <exception cref="TeacherRefusedException">The model cannot serve features (or failed on the batch); the message says why.</exception>
    TeacherFeatures RunWithFeatures(ReadOnlyMemory<float> inputs, int rows, int[] sampleShape, IReadOnlyList<FeatureRequest> requests);
}
