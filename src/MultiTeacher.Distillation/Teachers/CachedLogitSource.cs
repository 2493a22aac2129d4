namespace MultiTeacher.Distillation.Teachers;

/// <summary>Logits read from a cached teacher pass (<see cref="LogitTable"/>), for example a <c>.npy</c> made by PyTorch.</summary>
public sealed class CachedLogitSource(LogitTable table) : ILogitSource
{
    /// <inheritdoc />
    public int Classes => table.Classes;

    /// <inheritdoc />
    public long Version => 0;

    /// <inheritdoc />
    public void Logits(ReadOnlySpan<int> rows, Span<float> destination) => table.Gather(rows, destination);
}
