using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Distillation.Online;

/// <summary>
/// What a receiver of checkpoints holds: the newest version per model id. An older or equal version is ignored and
/// counted, so the versions a receiver holds only grow, whatever order the broadcast delivers them in.
/// </summary>
public sealed class CheckpointInbox
{
    private readonly Dictionary<string, Checkpoint> _newest = [];

    /// <summary>Checkpoints offered.</summary>
    public int Received { get; private set; }

    /// <summary>Checkpoints ignored because a newer or equal version was held.</summary>
    public int Ignored { get; private set; }

    /// <summary>Model ids held.</summary>
    public IReadOnlyCollection<string> ModelIds => _newest.Keys;

    /// <summary>Keeps <paramref name="checkpoint"/> if it is newer than the one held for its model id; returns whether it was kept.</summary>
    public bool Offer(Checkpoint checkpoint)
    {
        Received++;
        if (_newest.TryGetValue(checkpoint.ModelId, out var held) && held.Version >= checkpoint.Version)
        {
            Ignored++;
            return false;
        }

        _newest[checkpoint.ModelId] = checkpoint;
        return true;
    }

    /// <summary>The newest checkpoint of <paramref name="modelId"/>, or null.</summary>
    public Checkpoint? Newest(string modelId) => _newest.GetValueOrDefault(modelId);
}
