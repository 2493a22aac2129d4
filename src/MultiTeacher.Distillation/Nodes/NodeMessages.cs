namespace MultiTeacher.Distillation.Nodes;

// The messages that run a distillation on a cluster of nodes: a coordinator submits a run, the nodes start their
// roles' actors for it, and when it ends each node reports its counters to the coordinator.

/// <summary>Coordinator → every node (last-value broadcast): start the run described by the request.</summary>
/// <param name="RunId">The run's id, unique per submission.</param>
/// <param name="RequestHocon">The <c>multiteacher.distill</c> section the coordinator resolved, as HOCON text.</param>
/// <param name="BaseDirectory">Relative paths in the request are relative to this folder.</param>
/// <param name="DataDirectory">The dataset folder, or empty for each node's default.</param>
/// <param name="OutDirectory">Where the student node writes the student.</param>
public sealed record RunSpec(string RunId, string RequestHocon, string BaseDirectory, string DataDirectory, string OutDirectory);

/// <summary>Coordinator → every node: the run ended; nodes report and release its actors.</summary>
public sealed record RunCompleted(string RunId, bool Succeeded, string Reason);

/// <summary>Node → coordinator: what a node did for a run.</summary>
/// <param name="RunId">The run.</param>
/// <param name="NodeId">The reporting node.</param>
/// <param name="Roles">Its roles in the run.</param>
/// <param name="Counters">Named counters (messages, redeliveries, duplicates dropped, shards aggregated or trained...).</param>
/// <param name="Incidents">What went wrong and was handled (late teachers, rejected outputs).</param>
public sealed record NodeReport(string RunId, string NodeId, IReadOnlyList<string> Roles, IReadOnlyDictionary<string, double> Counters,
    IReadOnlyList<string> Incidents);
