using MultiTeacher.Core.Losses;
using MultiTeacher.Distillation.Data;

namespace MultiTeacher.Distillation;

/// <summary>What a distillation run does: the loss, the ensemble, the schedule and the pipeline's limits.</summary>
public sealed record DistillationSettings
{
    /// <summary>Temperature T of the teachers and of the student's softmax in the distillation term.</summary>
    public float Temperature { get; init; } = 2f;

    /// <summary>Weight α of the distillation term (0: labels only; 1: teachers only).</summary>
    public float Alpha { get; init; } = 0.5f;

    /// <summary>How the teachers' tempered distributions are combined.</summary>
    public EnsembleMethod Aggregation { get; init; } = EnsembleMethod.Mean;

    /// <summary>Per-teacher weights (teacher order), used by <see cref="EnsembleMethod.Weighted"/> and <see cref="EnsembleMethod.Geometric"/>; null means 1 each.</summary>
    public IReadOnlyList<float>? TeacherWeights { get; init; }

    /// <summary>Epochs over the training rows.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Mini-batch size of the student.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Student learning rate (Adam).</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Seed of the student's weights, the shard order and the label choice.</summary>
    public long Seed { get; init; }

    /// <summary>Rows per shard (a multiple of <see cref="BatchSize"/> keeps batches as in plain training).</summary>
    public int ShardSize { get; init; } = 1024;

    /// <summary>Shards planned but not yet trained, at most: memory stays flat however large the dataset.</summary>
    public int MaxShardsInFlight { get; init; } = 8;

    /// <summary>
    /// Shard requests one teacher replica holds at once, at most (back-pressure): the coordinator hands a replica its
    /// next shard only when it has served one of these.
    /// </summary>
    public int ReplicaInFlight { get; init; } = 2;

    /// <summary>How long the aggregator waits for every teacher of a shard before closing it with those it has.</summary>
    public TimeSpan ShardDeadline { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether a shard no teacher answered by its deadline fails the run (in one process: every teacher is gone). Across
    /// processes it is false: teachers may be starting, or the broker restarting, so the aggregator waits on and the
    /// coordinator's stall timeout decides.
    /// </summary>
    public bool FailUnansweredShards { get; init; } = true;

    /// <summary>The student writes and broadcasts a checkpoint every this many optimizer steps (0: only at the end).</summary>
    public int CheckpointEverySteps { get; init; } = 500;

    /// <summary>How many training rows keep their label.</summary>
    public LabelBudget Labels { get; init; } = LabelBudget.All;

    /// <summary>
    /// Feature terms (feature distillation: <c>multiteacher.distill.features</c>); empty for logits only. Teachers named
    /// here run as networks during the run (their features cannot be cached as logits are).
    /// </summary>
    public IReadOnlyList<Features.FeatureSpec> Features { get; init; } = [];

    /// <summary>How features travel from teachers to the student (<c>feature-form</c>, <c>feature-dtype</c>).</summary>
    public Features.FeatureWire FeatureWire { get; init; } = Distillation.Features.FeatureWire.Default;

    /// <summary>Checks the values, naming the first that is out of range.</summary>
    public void Validate()
    {
        if (!(Temperature > 0) || float.IsInfinity(Temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "temperature must be a positive finite number");
        }

        if (!(Alpha >= 0 && Alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "alpha must be in [0, 1]");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ShardSize, nameof(ShardSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxShardsInFlight, nameof(MaxShardsInFlight));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ReplicaInFlight, nameof(ReplicaInFlight));
        ArgumentOutOfRangeException.ThrowIfNegative(CheckpointEverySteps, nameof(CheckpointEverySteps));
    }

    /// <summary>The weight of teacher <paramref name="index"/> of <paramref name="count"/>.</summary>
    public float WeightOf(int index, int count)
    {
        if (TeacherWeights is null)
        {
            return 1f;
        }

        if (TeacherWeights.Count != count)
        {
            throw new ArgumentException($"{TeacherWeights.Count} teacher weights are configured for {count} teachers");
        }

        return TeacherWeights[index];
    }
}
