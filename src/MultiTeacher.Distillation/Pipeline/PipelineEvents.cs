namespace MultiTeacher.Distillation.Pipeline;

// Progress the pipeline's actors publish on their ActorSystem's EventStream, for whoever watches a run (the live
// dashboard). Plain data, published after the work they describe; no one has to listen, and publishing to no
// subscriber costs a dictionary look-up. Each carries absolute counters, so a watcher that starts late or misses one
// is right again at the next.

/// <summary>Coordinator: a run began (published once, when the aggregator is known).</summary>
/// <param name="RunId">The run.</param>
/// <param name="Total">Shards of the whole run (every epoch).</param>
/// <param name="ShardsPerEpoch">Shards of one epoch.</param>
/// <param name="TeacherIds">The teachers the run waits for.</param>
public sealed record RunStarted(string RunId, int Total, int ShardsPerEpoch, IReadOnlyList<string> TeacherIds);

/// <summary>Coordinator: its counters after a shard was planned or trained.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Planned">Shards planned and announced to the aggregator so far.</param>
/// <param name="Trained">Shards the student has trained on.</param>
/// <param name="Total">Shards of the whole run.</param>
/// <param name="InFlight">Planned shards not trained yet.</param>
/// <param name="Replicas">Teacher replicas registered and not lost.</param>
/// <param name="Requeued">(shard, teacher) work taken from lost replicas and handed out again.</param>
public sealed record CoordinatorProgress(string RunId, int Planned, int Trained, int Total, int InFlight, int Replicas, int Requeued);

/// <summary>Coordinator: a teacher replica served a shard (its <see cref="ShardServed"/> arrived).</summary>
/// <param name="RunId">The run.</param>
/// <param name="TeacherId">The teacher the replica serves.</param>
/// <param name="Replica">The replica's actor path (its address names its node).</param>
/// <param name="Rows">Rows of the shard.</param>
public sealed record ReplicaShardServed(string RunId, string TeacherId, string Replica, int Rows);

/// <summary>Aggregator: a shard's soft targets went to the student, averaged from these teachers' outputs.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Sequence">The shard's place in the run.</param>
/// <param name="ShardId">The shard.</param>
/// <param name="TeacherVersions">The model version of each teacher used (one output per teacher: a shard never mixes versions).</param>
public sealed record ShardAggregated(string RunId, int Sequence, string ShardId, IReadOnlyDictionary<string, long> TeacherVersions);

/// <summary>Aggregator: its counters after a shard closed or an output was dropped.</summary>
public sealed record AggregatorProgress(string RunId, int Aggregated, int DuplicatesDropped, int LateDropped, int ClosedIncomplete, int RejectedOutputs);

/// <summary>Student trainer: a shard was trained (or a copy dropped).</summary>
/// <param name="RunId">The run.</param>
/// <param name="ModelId">The student's model id.</param>
/// <param name="Trained">Shards trained so far.</param>
/// <param name="Steps">Optimizer steps so far.</param>
/// <param name="MeanLoss">Mean loss over the rows of the last shard trained (NaN before the first).</param>
/// <param name="DuplicatesDropped">Copies of shards dropped.</param>
/// <param name="CheckpointsSent">Checkpoints broadcast.</param>
public sealed record StudentProgress(string RunId, string ModelId, int Trained, long Steps, double MeanLoss, int DuplicatesDropped, int CheckpointsSent);

/// <summary>Checkpoint hub: its counters after a checkpoint arrived.</summary>
public sealed record HubProgress(int Received, int Forwarded, int StaleDropped);
