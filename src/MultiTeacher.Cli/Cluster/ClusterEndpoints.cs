namespace MultiTeacher.Cli.Cluster;

/// <summary>Names on the broker beyond the pipeline's endpoints.</summary>
internal static class ClusterEndpoints
{
    /// <summary>Broadcast of submitted runs and their completion, to every node.</summary>
    public const string Runs = "runs";

    /// <summary>Work queue (per run) of the nodes' reports to the coordinator.</summary>
    public const string Reports = "reports";
}
