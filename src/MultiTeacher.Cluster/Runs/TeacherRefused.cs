namespace MultiTeacher.Cluster.Runs;

/// <summary>
/// Teacher node → a run's registrar: this node will not serve <paramref name="TeacherId"/> to the run because its
/// copy of the teacher file differs from the coordinator's (the outputs of two different models must not be mixed
/// under one id). The registrar logs it, so the refusal shows on the coordinator's node too.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="Node">The refusing node's address.</param>
/// <param name="TeacherId">The teacher id.</param>
/// <param name="File">The teacher file on the refusing node.</param>
/// <param name="LocalSha256">That file's SHA-256.</param>
/// <param name="AnnouncedSha256">The SHA-256 the run announced for the teacher.</param>
public sealed record TeacherRefused(string RunId, string Node, string TeacherId, string File, string LocalSha256, string AnnouncedSha256)
{
    /// <summary>The reason in one sentence, for logs on either side.</summary>
    public string Reason =>
        $"node {Node} refuses to serve teacher '{TeacherId}' to run {RunId}: its file {File} has SHA-256 {LocalSha256}, " +
        $"the run's copy has {AnnouncedSha256} (the nodes must hold the same teacher file)";
}
