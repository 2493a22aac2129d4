namespace MultiTeacher.Dashboard.Status;

// What /api/status returns and the page shows: one immutable snapshot of a run, serialized with camelCase names.
// Scripts poll it, so names only ever get added (tests/MultiTeacher.Dashboard.Tests pin the contract).

/// <summary>A snapshot of the run a dashboard watches.</summary>
/// <param name="State">waiting (no run yet), running, completed (the pipeline trained every shard), failed, or finished
/// (the command is done; <paramref name="Report"/> names its report when it wrote one).</param>
/// <param name="RunId">The run's id, or null before one starts.</param>
/// <param name="Message">Why a run failed, or what finished; null otherwise.</param>
/// <param name="ElapsedSeconds">Seconds since the run started.</param>
/// <param name="EtaSeconds">Estimated seconds to the end of the run, or null while unknown.</param>
/// <param name="Cluster">Members of the cluster, or a single process.</param>
/// <param name="Shards">Shard counters.</param>
/// <param name="Teachers">Teacher replicas and what they served.</param>
/// <param name="Student">The student's progress.</param>
/// <param name="Checkpoints">Checkpoints exchanged, and codistillation peers.</param>
/// <param name="Report">The URL path of the final report (<c>/report.html</c>) once it exists, or null.</param>
/// <param name="EarlierRuns">Runs this process finished before the current one (a demo trains two students).</param>
public sealed record RunStatus(string State, string? RunId, string? Message, double ElapsedSeconds, double? EtaSeconds, ClusterView Cluster,
    ShardView Shards, IReadOnlyList<ReplicaView> Teachers, StudentView Student, CheckpointView Checkpoints, string? Report,
    IReadOnlyList<EarlierRun> EarlierRuns)
{
    /// <summary>
    /// What the command is doing, with its progress (e.g. "training teacher cnn:32-64-128 (40 %)"), when it reports its
    /// phases: a demo trains teachers and baselines outside the pipeline before any run starts. Null otherwise.
    /// </summary>
    public string? Phase { get; init; }

    /// <summary>The snapshot before any run.</summary>
    public static RunStatus Waiting { get; } = new("waiting", null, null, 0, null, ClusterView.SingleProcess, ShardView.Empty, [], StudentView.Empty,
        CheckpointView.Empty, null, []);
}

/// <summary>The cluster as this process sees it.</summary>
/// <param name="Mode">"cluster" on a cluster node, "single process" otherwise.</param>
/// <param name="Members">Members with roles, status and reachability (empty in a single process).</param>
public sealed record ClusterView(string Mode, IReadOnlyList<MemberView> Members)
{
    /// <summary>A run in one process.</summary>
    public static ClusterView SingleProcess { get; } = new("single process", []);
}

/// <summary>A cluster member.</summary>
public sealed record MemberView(string Address, IReadOnlyList<string> Roles, string Status, bool Reachable);

/// <summary>Shard counters of the run.</summary>
public sealed record ShardView(int Total, int Planned, int Aggregated, int Trained, int InFlight, int DuplicatesDropped, int ClosedIncomplete,
    int LateDropped, int RejectedOutputs, int Requeued, int Replicas)
{
    /// <summary>No shards yet.</summary>
    public static ShardView Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}

/// <summary>A teacher replica: what it served and how fast (rows over the time since its first shard).</summary>
public sealed record ReplicaView(string TeacherId, string Replica, int ShardsServed, long Rows, double RowsPerSecond);

/// <summary>A point of a chart.</summary>
public sealed record ChartPoint(double X, double Y);

/// <summary>An epoch of the student, or of a codistillation peer (named by <paramref name="Peer"/>; null for the pipeline's student).</summary>
public sealed record EpochView(int Epoch, double? ValidationAccuracy, double? TestAccuracy, double MeanLoss, string? Peer = null);

/// <summary>The student's progress (in an online run: the first peer's loss series, every peer's epochs).</summary>
/// <param name="ModelId">Its model id.</param>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="Loss">Loss by step (the mean over a shard, at the step that ended it), thinned to a few hundred points.</param>
/// <param name="Epochs">Accuracies by epoch.</param>
public sealed record StudentView(string? ModelId, long Steps, IReadOnlyList<ChartPoint> Loss, IReadOnlyList<EpochView> Epochs)
{
    /// <summary>Nothing trained yet.</summary>
    public static StudentView Empty { get; } = new(null, 0, [], []);
}

/// <summary>Checkpoints: sent by the student, received and forwarded by the hub, and per codistillation peer.</summary>
public sealed record CheckpointView(int Sent, int Received, int Forwarded, int StaleDropped, IReadOnlyList<PeerView> Peers)
{
    /// <summary>None yet.</summary>
    public static CheckpointView Empty { get; } = new(0, 0, 0, 0, []);
}

/// <summary>A peer of an online run: its step, checkpoints and the staleness (in steps) of the peer checkpoints it used.</summary>
public sealed record PeerView(string PeerId, long Step, long TotalSteps, double Loss, int Sent, int Received, double StalenessMean, long StalenessMax);

/// <summary>A run finished earlier in this process.</summary>
public sealed record EarlierRun(string RunId, string State, int Trained, int Total, double? BestValidationAccuracy);
