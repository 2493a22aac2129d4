namespace MultiTeacher.Cli.Cluster;

/// <summary>
/// The cluster <c>deploy/local-cluster.sh up</c> starts on this machine: its state folder (runs/cluster, or
/// <c>MT_CLUSTER_DIR</c>) holds <c>seed-nodes</c>, the address of its first node, which <c>mt cluster</c> joins through.
/// </summary>
internal static class LocalCluster
{
    /// <summary>
    /// The Split Brain Resolver setting every node of the local cluster uses (the script passes the same): keep-oldest
    /// without a role, so the long-lived first teacher node is the one kept, and coordinators come and go (one killed
    /// mid-run is downed, the teacher nodes stay up for the <c>--resume</c>).
    /// </summary>
    public const string DowningOverride = "akka.cluster.split-brain-resolver.keep-oldest.role=\"\"";

    public static string Directory(string root) =>
        Environment.GetEnvironmentVariable("MT_CLUSTER_DIR") is { Length: > 0 } dir ? dir : Path.Combine(root, "runs", "cluster");

    /// <summary>The seed addresses of the local cluster; a clear error when it is not up.</summary>
    public static IReadOnlyList<string> SeedNodes(string root)
    {
        var file = Path.Combine(Directory(root), "seed-nodes");
        return File.Exists(file) && NodeOptions.List(File.ReadAllText(file).Trim()) is { Count: > 0 } seeds
            ? seeds
            : throw new Commands.CliUsageException($"no local cluster is up ({file} does not exist): start one with deploy/local-cluster.sh up, " +
                "or name a cluster with --seed-nodes akka.tcp://multiteacher@host:port");
    }
}
