namespace MultiTeacher.Core.Teachers;

/// <summary>What a teacher returned for a batch: its values, row-major, and their shape as the model gave it.</summary>
/// <param name="Values">The elements, row-major.</param>
/// <param name="Shape">The shape, for example (B, classes).</param>
public sealed record TeacherOutput(float[] Values, long[] Shape)
{
    /// <summary>The shape as text, for example <c>(16, 10)</c>.</summary>
    public string ShapeText => "(" + string.Join(", ", Shape) + ")";
}
