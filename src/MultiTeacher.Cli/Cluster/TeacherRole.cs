using Akka.Cluster.Tools.PublishSubscribe;
using MultiTeacher.Cluster;
using MultiTeacher.Cluster.Runs;
using MultiTeacher.Distillation.Experiments;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Cli.Cluster;

/// <summary>
/// The teacher role of a node: the teachers it serves, each read from its own file (or .npy logits) on this machine
/// and passed over the run's training rows here (inputs never travel), offered to every run the cluster announces.
/// </summary>
internal static class TeacherRole
{
    /// <summary>Starts the node's <see cref="TeacherHost"/> for <paramref name="served"/> teachers of <paramref name="run"/>.</summary>
    public static void Start(ClusterNode node, PreparedRun run, IReadOnlyList<string> served, int replicas)
    {
        var teachers = run.Teachers.Where(t => served.Contains(t.Id))
            .Select(t => new ServedTeacher(t.Id, t.Path, ClusterRun.Sha256(t.Path), new CachedLogitSource(t.Train!)))
            .ToList();
        node.System.ActorOf(TeacherHost.Props(teachers, run.Planner, replicas, DistributedPubSub.Get(node.System).Mediator), "teachers");
    }
}
