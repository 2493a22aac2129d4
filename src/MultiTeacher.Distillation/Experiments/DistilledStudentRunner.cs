using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Reports;

namespace MultiTeacher.Distillation.Experiments;

/// <summary>
/// Trains one distilled student of the demo: through the actor pipeline in this process, or on a cluster of nodes
/// (which rebuild the same data, split and teacher passes from the request).
/// </summary>
public delegate Task<DistilledStudent> DistilledStudentRunner(DistillRequest request, IRunProgress progress, CancellationToken cancellationToken);

/// <summary>A distilled student, what happened to its shards, and the cluster's traffic (null in one process).</summary>
public sealed record DistilledStudent(Model Model, StudentSummary Summary, ShardCounters Shards, ClusterSummary? Cluster);
