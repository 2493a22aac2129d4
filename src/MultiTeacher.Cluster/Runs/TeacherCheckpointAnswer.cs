namespace MultiTeacher.Cluster.Runs;

/// <summary>What a teacher node did with a teacher checkpoint.</summary>
public enum SwapOutcome
{
    /// <summary>Newer and of the teacher's shape: its replicas swap to it between shards.</summary>
    Swapped,

    /// <summary>Not newer than the version the node holds.</summary>
    Ignored,

    /// <summary>Of another architecture or parameter count, or the node serves a cached teacher pass.</summary>
    Refused,
}

/// <summary>Teacher node → the publisher of a teacher checkpoint: what it did with it, in one sentence.</summary>
/// <param name="Node">The teacher node's address.</param>
/// <param name="TeacherId">The teacher.</param>
/// <param name="Version">The checkpoint's version.</param>
/// <param name="Outcome">Swapped, ignored or refused.</param>
/// <param name="Text">The sentence (also logged on the teacher node).</param>
public sealed record TeacherCheckpointAnswer(string Node, string TeacherId, long Version, SwapOutcome Outcome, string Text);
