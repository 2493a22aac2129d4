using MultiTeacher.Core.Checkpoints;

namespace MultiTeacher.Core.Teachers;

/// <summary>Loads a teacher file of any supported format, chosen by its content (<see cref="TeacherFileFormat"/>).</summary>
public static class TeacherLoader
{
    /// <summary>Loads the teacher at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="Data.DataFormatException">The file is corrupt, truncated, or of no teacher format; the message says which.</exception>
    /// <exception cref="TeacherRefusedException">The model cannot be a teacher as configured (inputs, outputs).</exception>
    public static ITeacherNetwork Load(string path, TeacherOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= TeacherOptions.Default;
        return TeacherFileFormat.Detect(path) switch
        {
            TeacherFormat.TorchScript => TorchScriptTeacher.Load(path, options),
            TeacherFormat.Onnx => OnnxTeacher.Load(path, options),
            _ => LoadCheckpoint(path, options),
        };
    }

    private static CheckpointTeacher LoadCheckpoint(string path, TeacherOptions options)
    {
        if (options.Output is { } output && output != "0")
        {
            throw new TeacherRefusedException(path, $"output = {output}: a safetensors checkpoint of our architectures has one output");
        }

        return new CheckpointTeacher(ModelCheckpoint.Load(path));
    }
}
