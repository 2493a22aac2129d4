using MultiTeacher.Core.Data;
using MultiTeacher.Core.Teachers;

namespace MultiTeacher.Distillation.Teachers;

/// <summary>
/// Logits computed by a teacher of any format (TorchScript, ONNX, safetensors) on rows of a dataset, every batch
/// checked as the probe is. Owns the network. The replicas of two overlapping runs may share it (a <c>--live</c>
/// teacher node keeps one per recipe): a lock makes them take turns, one pass at a time.
/// </summary>
public sealed class NetworkLogitSource(ITeacherNetwork network, Dataset data) : ILogitSource, IDisposable
{
    private const int Batch = 256;
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public int Classes => data.Classes;

    /// <inheritdoc />
    public long Version => 0;

    /// <inheritdoc />
    public void Logits(ReadOnlySpan<int> rows, Span<float> destination)
    {
        lock (_gate)
        {
            Run(rows, destination);
        }
    }

    private void Run(ReadOnlySpan<int> rows, Span<float> destination)
    {
        var inputs = new float[Math.Min(Batch, rows.Length) * data.Features];
        var labels = new int[Math.Min(Batch, rows.Length)];
        for (var first = 0; first < rows.Length; first += Batch)
        {
            var count = Math.Min(Batch, rows.Length - first);
            data.GatherRows(rows.Slice(first, count), inputs, labels);
            var output = network.Run(inputs.AsMemory(0, count * data.Features), count, data.SampleShape);
            TeacherProbe.CheckOutput(network.Path, output, count, data);
            output.Values.CopyTo(destination.Slice(first * Classes, count * Classes));
        }
    }

    /// <inheritdoc />
    public void Dispose() => network.Dispose();
}
