using Akka.Actor;
using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Features;
using MultiTeacher.Distillation.Students;

namespace MultiTeacher.Distillation.Pipeline;

// The messages of the distillation pipeline (see DESIGN.md): sealed records of plain data that Hyperion carries to any
// machine. Inputs never travel: a shard names rows that every node reads from its own copy of the dataset. Sequence is
// the shard's place in the run (epoch by epoch, shard by shard): the student trains in that order, which is what makes
// the pipeline reproducible.

/// <summary>Coordinator → teacher: compute logits for the rows of a shard.</summary>
public sealed record ShardRequest(string RunId, Shard Shard, int Sequence);

/// <summary>Coordinator → aggregator: a shard was sent to the teachers; its deadline starts now.</summary>
public sealed record ExpectShard(string RunId, Shard Shard, int Sequence);

/// <summary>Teacher → aggregator: logits (rows × classes) of one teacher for one shard, from one version of its weights.</summary>
public sealed record TeacherOutput(string RunId, Shard Shard, int Sequence, string TeacherId, long ModelVersion, float[] Logits, int Rows, int Classes)
{
    /// <summary>The features the run asked this teacher for (feature distillation), for the same rows; empty otherwise.</summary>
    public IReadOnlyList<FeatureBlock> Features { get; init; } = [];
}

/// <summary>Aggregator → student: soft targets p̄ (rows × classes) for a shard, from the teachers named.</summary>
public sealed record AggregatedTargets(string RunId, Shard Shard, int Sequence, IReadOnlyList<string> TeachersUsed, IReadOnlyList<float> Weights,
    float[] Targets, IReadOnlyList<string> MissingTeachers)
{
    /// <summary>
    /// The features of the teachers used, in teacher order, passed on as they came: raw features of different teachers
    /// are never averaged (their channels mean different things); the student combines their losses instead.
    /// </summary>
    public IReadOnlyList<FeatureBlock> Features { get; init; } = [];
}

/// <summary>Aggregator → coordinator: no teacher answered a shard before its deadline.</summary>
public sealed record ShardFailed(string RunId, Shard Shard, int Sequence, string Reason);

/// <summary>Student → coordinator: a shard has been trained on (exactly once).</summary>
public sealed record ShardTrained(string RunId, Shard Shard, int Sequence, ShardResult Result);

/// <summary>Student → coordinator → whoever the coordinator reports to: an epoch ended; accuracies are NaN when no evaluation set was given.</summary>
public sealed record StudentEpochCompleted(string RunId, int Epoch, double ValidationAccuracy, double TestAccuracy, double MeanLoss)
{
    /// <summary>The epoch's mean loss per term: <c>ce</c>, <c>kd</c> and each feature term (for example <c>attention(3)</c>, before its weight).</summary>
    public IReadOnlyDictionary<string, double> Terms { get; init; } = new Dictionary<string, double>();
}

/// <summary>Coordinator → its report target: <paramref name="Trained"/> of <paramref name="Total"/> shards are trained.</summary>
public sealed record RunProgress(string RunId, int Trained, int Total);

/// <summary>Coordinator → its report target: every shard was trained.</summary>
public sealed record RunCompleted(string RunId);

/// <summary>Coordinator → its report target: the run cannot finish, and why.</summary>
public sealed record RunFailed(string RunId, string Reason);

/// <summary>A student's (or teacher's) weights at a step, broadcast through the <see cref="CheckpointHub"/>.</summary>
public sealed record Checkpoint(string ModelId, long Version, long Step, string Arch, float[] Weights, IReadOnlyDictionary<string, double> Metrics);

/// <summary>Subscribes <paramref name="Subscriber"/> to checkpoints of <paramref name="ModelId"/> (null: every model); the newest ones held are sent at once.</summary>
public sealed record SubscribeCheckpoints(IActorRef Subscriber, string? ModelId = null);

/// <summary>Removes a subscription.</summary>
public sealed record UnsubscribeCheckpoints(IActorRef Subscriber);

/// <summary>Asks an actor of the pipeline for its counters; the reply is the actor's stats record.</summary>
public sealed record GetStats
{
    /// <summary>The message.</summary>
    public static GetStats Instance { get; } = new();
}

/// <summary>The aggregator's counters.</summary>
public sealed record AggregatorStats(int Aggregated, int DuplicatesDropped, int LateDropped, int ClosedIncomplete, int RejectedOutputs,
    IReadOnlyList<string> Incidents)
{
    /// <summary>Bytes of logit values received from teachers (4 per logit), over the outputs kept.</summary>
    public long LogitBytes { get; init; }

    /// <summary>Bytes of feature values received from teachers (<see cref="FeatureBlock.ByteCount"/>), over the outputs kept.</summary>
    public long FeatureBytes { get; init; }

    /// <summary>Dropped outputs of a teacher whose kept output for the same shard came from another model version.</summary>
    public int VersionConflicts { get; init; }
}

/// <summary>The student's counters and history.</summary>
public sealed record StudentStats(int Trained, int DuplicatesDropped, long Steps, int CheckpointsSent, IReadOnlyList<StudentEpochCompleted> Epochs, int BestEpoch);

/// <summary>The hub's counters.</summary>
public sealed record HubStats(int Received, int Forwarded, int StaleDropped);
