namespace MultiTeacher.Core.Teachers;

/// <summary>Per-teacher settings of the object form <c>{ path = ..., weight = ..., output = ..., input-layout = ... }</c>.</summary>
/// <param name="Output">
/// Which output holds the logits, for a model with several: an index (<c>1</c>) or, for ONNX, an output name; null when
/// the model has one output.
/// </param>
/// <param name="InputLayout">How batches are shaped for the model.</param>
public sealed record TeacherOptions(string? Output = null, TeacherInputLayout InputLayout = TeacherInputLayout.Auto)
{
    /// <summary>No options: one output, batches shaped as the file asks.</summary>
    public static TeacherOptions Default { get; } = new();

    /// <summary>Parses <c>auto</c>, <c>shaped</c> or <c>flat</c>.</summary>
    /// <exception cref="FormatException">Another word.</exception>
    public static TeacherInputLayout ParseLayout(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => TeacherInputLayout.Auto,
        "shaped" => TeacherInputLayout.Shaped,
        "flat" => TeacherInputLayout.Flat,
        _ => throw new FormatException($"unknown input-layout '{text}': expected auto, shaped or flat"),
    };
}
