using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Cluster.Runs;

/// <summary>
/// A teacher a teacher node can serve: its id, the file it was read from (for messages), the SHA-256 (lower-case hex)
/// of that file, and its logits computed locally.
/// </summary>
public sealed record ServedTeacher(string Id, string File, string Sha256, ILogitSource Source);
