namespace MultiTeacher.Core.Teachers;

/// <summary>The kinds of teacher files, told apart by their content (<see cref="TeacherFileFormat.Detect"/>).</summary>
public enum TeacherFormat
{
    /// <summary>Our checkpoint: safetensors with the architecture string in <c>__metadata__</c>.</summary>
    Safetensors,

    /// <summary>A TorchScript module saved by <c>torch.jit.save</c>: a zip holding <c>code/</c> and <c>constants.pkl</c>.</summary>
    TorchScript,

    /// <summary>An ONNX model: a protobuf <c>ModelProto</c>.</summary>
    Onnx,
}
