using MultiTeacher.Distillation.Reports;

namespace MultiTeacher.Distillation.Pipeline;

/// <summary>What a finished run reports.</summary>
/// <param name="Shards">Shard counters.</param>
/// <param name="Student">The student's counters and per-epoch accuracies.</param>
/// <param name="Aggregator">The aggregator's counters and incidents.</param>
/// <param name="Hub">The checkpoint hub's counters.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record PipelineResult(ShardCounters Shards, StudentStats Student, AggregatorStats Aggregator, HubStats Hub, TimeSpan Elapsed)
{
    /// <summary>The coordinator's counters at the end: replicas still registered, work handed out again after a replica was lost.</summary>
    public CoordinatorStats? Coordinator { get; init; }
}
