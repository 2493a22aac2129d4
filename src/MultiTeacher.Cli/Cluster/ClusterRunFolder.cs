namespace MultiTeacher.Cli.Cluster;

/// <summary>
/// Where a cluster run's files live in its output folder (shared by the coordinator and the student node): the student
/// node writes them, the coordinator reads the student and hands the state over on <c>--resume</c>.
/// </summary>
internal static class ClusterRunFolder
{
    /// <summary>The distilled student, written when the run completes.</summary>
    public static string StudentFile(string outDirectory) => Path.Combine(outDirectory, "students", "student.safetensors");

    /// <summary>The student's resumable state, written after every trained shard.</summary>
    public static string StudentState(string outDirectory) => Path.Combine(outDirectory, "state", "student.safetensors");
}
