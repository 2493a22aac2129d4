using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;

namespace MultiTeacher.Core.Teachers;

/// <summary>A teacher of one of our architectures, from a safetensors checkpoint.</summary>
public sealed partial class CheckpointTeacher : ITeacherNetwork
{
    /// <summary>Serves <paramref name="loaded"/>'s model (owned: disposed with the teacher).</summary>
    public CheckpointTeacher(LoadedModel loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        Model = loaded.Model;
        Path = loaded.Path;
    }

    /// <summary>The network.</summary>
    public Model Model { get; }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public TeacherFormat Format => TeacherFormat.Safetensors;

    /// <inheritdoc />
    public string Description => Model.Architecture.Text;

    /// <inheritdoc />
    public long ParameterCount => Model.ParameterCount;

    /// <inheritdoc />
    public TeacherOutput Run(ReadOnlyMemory<float> inputs, int rows, int[] sampleShape)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        Model.eval();
        // (rows, features), as the trainers feed our models: each views it in its own input shape.
        var x = TensorData.From(inputs.Span, [rows, ShapeText.Product(sampleShape)], TorchRuntime.Device);
        try
        {
            var logits = Model.forward(x); // (rows, classes)
            return new TeacherOutput(TensorData.ToArray(logits), logits.shape);
        }
        catch (ShapeMismatchException e)
        {
            throw new TeacherRefusedException(Path, $"needs other inputs than the data's {ShapeText.FormatBatch(sampleShape)}: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
