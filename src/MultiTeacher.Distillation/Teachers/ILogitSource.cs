namespace MultiTeacher.Distillation.Teachers;

/// <summary>Where a teacher's logits come from: its network run on the rows, or a cached teacher pass.</summary>
public interface ILogitSource
{
    /// <summary>Number of classes.</summary>
    int Classes { get; }

    /// <summary>Version of the weights the logits come from (0 for a fixed teacher; grows with hot swaps).</summary>
    long Version { get; }

    /// <summary>Writes the logits of dataset rows <paramref name="rows"/> into <paramref name="destination"/> (rows × classes).</summary>
    void Logits(ReadOnlySpan<int> rows, Span<float> destination);
}
