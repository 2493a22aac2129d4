namespace MultiTeacher.Core.Data;

/// <summary>The element types <see cref="Npy"/> reads and writes.</summary>
public enum NpyDType
{
    /// <summary>Little-endian 32-bit float, NumPy <c>&lt;f4</c> (inputs, logits).</summary>
    Float32,

    /// <summary>Unsigned byte, NumPy <c>|u1</c> (raw pixels).</summary>
    UInt8,

    /// <summary>Little-endian 64-bit integer, NumPy <c>&lt;i8</c> (labels); files of <c>&lt;i4</c> are widened to it on reading.</summary>
    Int64,
}
