using MultiTeacher.Core.Models;
using MultiTeacher.Distillation.Experiments;
using MultiTeacher.Distillation.Reports;

namespace MultiTeacher.Cli.Cluster;

/// <summary>What one distillation on the cluster gave: the student (read back from the student node's file) and the traffic.</summary>
internal sealed record ClusterRunResult(string RunId, Model Model, StudentSummary Student, ShardCounters Shards, ClusterSummary Cluster, PreparedRun Run,
    TimeSpan Elapsed);
