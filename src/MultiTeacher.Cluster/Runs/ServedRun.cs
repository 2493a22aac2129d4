using MultiTeacher.Core.Data;

namespace MultiTeacher.Cluster.Runs;

/// <summary>What a teacher node serves to one announced run: its teachers (none: the run needs none of this node's) and the shard plan it read them over.</summary>
public sealed record ServedRun(IReadOnlyList<ServedTeacher> Teachers, ShardPlanner Planner);

/// <summary>
/// Prepares what a teacher node serves to an announced run: reads the run's data and teacher files on this machine
/// and computes (or loads cached) teacher passes. May take long; a failure is the reason the run is not served here.
/// </summary>
public delegate Task<ServedRun> TeacherPreparer(RunAnnouncement run);
