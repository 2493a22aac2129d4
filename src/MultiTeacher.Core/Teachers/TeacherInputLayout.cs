namespace MultiTeacher.Core.Teachers;

/// <summary>How a teacher receives a batch of the data's rows.</summary>
public enum TeacherInputLayout
{
    /// <summary>Decided by the file: (B, sample shape) unless an ONNX model declares (B, features).</summary>
    Auto,

    /// <summary>(B, C, H, W) or whatever the data's sample shape is, after the batch dimension.</summary>
    Shaped,

    /// <summary>(B, features): every sample flattened, for models without a Flatten of their own.</summary>
    Flat,
}
