using MultiTeacher.Core.Teachers;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Features;

/// <summary>
/// A feature teacher served from cached passes: its logits from its cached logit table, its features from
/// <see cref="TeacherFeatureCache"/> (computed once by its network, then read from disk in later runs). The network
/// answers layer shapes; <see cref="Prepare"/> loads the features the plan asks for before the run starts.
/// </summary>
public sealed class CachedFeatureSource(string teacherPath, IFeatureSource network, Core.Data.Dataset train, LogitTable logits) : IFeatureSource
{
    private readonly Dictionary<FeatureRequest, TeacherOutput> _tables = [];

    /// <inheritdoc />
    public int Classes => logits.Classes;

    /// <inheritdoc />
    public long Version => 0;

    /// <inheritdoc />
    public int[] FeatureShape(string layer) => network.FeatureShape(layer);

    /// <summary>Reads (or computes once and stores) the features of <paramref name="requests"/> over the run's training rows.</summary>
    public void Prepare(IReadOnlyList<FeatureRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var tables = TeacherFeatureCache.GetOrCompute(teacherPath, network, train, requests);
        for (var i = 0; i < requests.Count; i++)
        {
            _tables[requests[i]] = tables[i];
        }
    }

    /// <inheritdoc />
    public void Logits(ReadOnlySpan<int> rows, Span<float> destination) => logits.Gather(rows, destination);

    /// <inheritdoc />
    public IReadOnlyList<TeacherOutput> LogitsAndFeatures(ReadOnlySpan<int> rows, Span<float> logitsDestination, IReadOnlyList<FeatureRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        logits.Gather(rows, logitsDestination);
        var outputs = new List<TeacherOutput>(requests.Count);
        foreach (var request in requests)
        {
            if (!_tables.TryGetValue(request, out var table))
            {
                throw new InvalidOperationException($"features of layer {request.Layer} were not prepared from the cache of {teacherPath}");
            }

            var length = (int)(table.Values.Length / table.Shape[0]);
            var values = new float[rows.Length * length];
            for (var r = 0; r < rows.Length; r++)
            {
                table.Values.AsSpan(rows[r] * length, length).CopyTo(values.AsSpan(r * length, length));
            }

            outputs.Add(new TeacherOutput(values, [rows.Length, .. table.Shape[1..]]));
        }

        return outputs;
    }
}
