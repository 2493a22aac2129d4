using MultiTeacher.Core.Data;
using MultiTeacher.Core.Teachers;

namespace MultiTeacher.Distillation.Teachers;

/// <summary>
/// Logits computed by a teacher of any format (TorchScript, ONNX, safetensors) on rows of a dataset, every batch
/// checked as the probe is. Owns the network. The replicas of two overlapping runs may share it (a <c>--live</c>
/// teacher node keeps one per recipe): a lock makes them take turns, one pass at a time (features too).
/// </summary>
public sealed partial class NetworkLogitSource : ILogitSource, IDisposable
{
    private const int Batch = 256;
    private readonly ITeacherNetwork _network;
    private readonly Dataset _data;
    private readonly Lock _gate = new();

    /// <summary>Serves the logits of <paramref name="network"/> on rows of <paramref name="data"/>.</summary>
    public NetworkLogitSource(ITeacherNetwork network, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        _network = network;
        _data = data;
    }

    /// <inheritdoc />
    public int Classes => _data.Classes;

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
        var inputs = new float[Math.Min(Batch, rows.Length) * _data.Features];
        var labels = new int[Math.Min(Batch, rows.Length)];
        for (var first = 0; first < rows.Length; first += Batch)
        {
            var count = Math.Min(Batch, rows.Length - first);
            _data.GatherRows(rows.Slice(first, count), inputs, labels);
            var output = _network.Run(inputs.AsMemory(0, count * _data.Features), count, _data.SampleShape);
            TeacherProbe.CheckOutput(_network.Path, output, count, _data);
            output.Values.CopyTo(destination.Slice(first * Classes, count * Classes));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _network.Dispose();
}
