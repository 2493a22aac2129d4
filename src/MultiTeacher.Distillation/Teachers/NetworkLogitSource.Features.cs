using MultiTeacher.Core.Teachers;
using MultiTeacher.Distillation.Features;

namespace MultiTeacher.Distillation.Teachers;

/// <summary>
/// Features of a teacher file of any format (<see cref="IFeatureTeacher"/>: TorchScript children, ONNX graph outputs,
/// our layers), computed in the same pass as its logits. A network that serves no features is refused when a layer is
/// asked of it.
/// </summary>
public sealed partial class NetworkLogitSource : IFeatureSource
{
    private readonly Dictionary<string, int[]> _shapes = new(StringComparer.Ordinal);

    /// <inheritdoc />
    /// <remarks>Found by running the network on the first row once per layer.</remarks>
    public int[] FeatureShape(string layer)
    {
        if (!_shapes.TryGetValue(layer, out var shape))
        {
            var output = Run([0], [new FeatureRequest(layer)], out _).Single();
            shape = Array.ConvertAll(output.Shape[1..], d => checked((int)d));
            _shapes[layer] = shape;
        }

        return (int[])shape.Clone();
    }

    /// <inheritdoc />
    public IReadOnlyList<TeacherOutput> LogitsAndFeatures(ReadOnlySpan<int> rows, Span<float> logits, IReadOnlyList<FeatureRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var features = Run(rows, requests, out var values);
        values.CopyTo(logits);
        return features;
    }

    /// <summary>The features of <paramref name="requests"/> over <paramref name="rows"/> (batched), and the rows' logits.</summary>
    private List<TeacherOutput> Run(ReadOnlySpan<int> rows, IReadOnlyList<FeatureRequest> requests, out float[] logits)
    {
        lock (_gate)
        {
            return RunFeatures(rows, requests, out logits);
        }
    }

    private List<TeacherOutput> RunFeatures(ReadOnlySpan<int> rows, IReadOnlyList<FeatureRequest> requests, out float[] logits)
    {
        var network = _network as IFeatureTeacher
            ?? throw new TeacherRefusedException(_network.Path, $"serves no named features ({_network.Format} teachers do not)");
        logits = new float[rows.Length * Classes];
        var inputs = new float[Math.Min(Batch, rows.Length) * _data.Features];
        var labels = new int[Math.Min(Batch, rows.Length)];
        var values = new float[requests.Count][];
        var shapes = new long[requests.Count][];
        for (var first = 0; first < rows.Length; first += Batch)
        {
            var count = Math.Min(Batch, rows.Length - first);
            _data.GatherRows(rows.Slice(first, count), inputs, labels);
            var output = network.RunWithFeatures(inputs.AsMemory(0, count * _data.Features), count, _data.SampleShape, requests);
            TeacherProbe.CheckOutput(_network.Path, output.Logits, count, _data);
            output.Logits.Values.CopyTo(logits.AsSpan(first * Classes, count * Classes));
            for (var f = 0; f < requests.Count; f++)
            {
                var feature = output.Features[f];
                var length = feature.Values.Length / count;
                if (feature.Shape.Length == 0 || feature.Shape[0] != count)
                {
                    throw new TeacherRefusedException(_network.Path, $"its output '{requests[f].Layer}' has shape {feature.ShapeText}, not one row per sample of a batch of {count}");
                }

                shapes[f] ??= [rows.Length, .. feature.Shape[1..]];
                values[f] ??= new float[rows.Length * length];
                feature.Values.CopyTo(values[f].AsSpan(first * length, count * length));
            }
        }

        return [.. values.Select((v, f) => new TeacherOutput(v, shapes[f]))];
    }
}
