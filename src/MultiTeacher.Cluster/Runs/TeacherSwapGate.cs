using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Cluster.Runs;

/// <summary>
/// What a teacher node decides about a teacher checkpoint broadcast on <see cref="TeacherCheckpoints.Topic"/>: the
/// teachers' logit sources it has served, by teacher id, and the newest checkpoint it accepted for each. A checkpoint
/// is accepted when it is newer than every version the node holds of that teacher and has the teacher's architecture
/// and parameter count; an older or equal version is ignored; one that does not fit, or one for a teacher this node
/// serves from a cached teacher pass (only a <c>--live</c> node runs a network whose weights can change), is refused.
/// </summary>
public sealed class TeacherSwapGate
{
    private readonly Dictionary<string, List<ILogitSource>> _sources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Checkpoint> _accepted = new(StringComparer.Ordinal);

    /// <summary>Remembers that <paramref name="source"/> serves teacher <paramref name="teacherId"/> here.</summary>
    public void Add(string teacherId, ILogitSource source)
    {
        if (!_sources.TryGetValue(teacherId, out var list))
        {
            _sources[teacherId] = list = [];
        }

        if (!list.Contains(source))
        {
            list.Add(source);
        }
    }

    /// <summary>The sources of <paramref name="teacherId"/> served here (empty when none).</summary>
    public IReadOnlyList<ILogitSource> SourcesOf(string teacherId) => _sources.GetValueOrDefault(teacherId) ?? [];

    /// <summary>The newest checkpoint accepted for <paramref name="teacherId"/>, or null.</summary>
    public Checkpoint? Accepted(string teacherId) => _accepted.GetValueOrDefault(teacherId);

    /// <summary>
    /// Decides about <paramref name="checkpoint"/> on node <paramref name="node"/>: null when this node does not serve
    /// its teacher, otherwise the answer (and, when it is <see cref="SwapOutcome.Swapped"/>, remembers it as accepted).
    /// </summary>
    public TeacherCheckpointAnswer? Decide(Checkpoint checkpoint, string node)
    {
        var id = checkpoint.ModelId;
        if (!_sources.TryGetValue(id, out var sources) || sources.Count == 0)
        {
            return null;
        }

        TeacherCheckpointAnswer Answer(SwapOutcome outcome, string text) => new(node, id, checkpoint.Version, outcome, $"teacher {id}: {text}");
        var models = sources.OfType<ModelLogitSource>().ToList();
        var held = Math.Max(sources.Max(s => s.Version), _accepted.GetValueOrDefault(id)?.Version ?? long.MinValue);
        if (models.Count == 0)
        {
            return Answer(SwapOutcome.Refused, $"checkpoint version {checkpoint.Version} refused on node {node}: this node serves the teacher from a " +
                $"cached teacher pass or a file whose weights cannot be replaced (version {held}); only a teacher node started with --live " +
                "running a safetensors teacher can swap weights");
        }

        if (checkpoint.Version <= held)
        {
            return Answer(SwapOutcome.Ignored, $"checkpoint version {checkpoint.Version} ignored on node {node}: it holds version {held}, which is as new or newer");
        }

        var model = models[0].Model;
        if (checkpoint.Arch != model.Architecture.Text || checkpoint.Weights.Length != model.ParameterCount)
        {
            return Answer(SwapOutcome.Refused, $"checkpoint version {checkpoint.Version} refused on node {node}: it is {checkpoint.Arch} with " +
                $"{checkpoint.Weights.Length:N0} parameters, this teacher is {model.Architecture.Text} with {model.ParameterCount:N0}; " +
                $"it keeps serving version {held}");
        }

        _accepted[id] = checkpoint;
        return Answer(SwapOutcome.Swapped, $"version {held} → {checkpoint.Version} on node {node}: its replicas swap the weights between two shards");
    }
}
