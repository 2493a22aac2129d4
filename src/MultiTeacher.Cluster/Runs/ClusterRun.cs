using System.Security.Cryptography;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Cluster.Runs;

/// <summary>
/// Runs a distillation on a cluster: the run's actors (coordinator, aggregator, student) on this node, its teachers
/// served by replicas that teacher nodes start when they hear the run announced (<see cref="RunRegistrar"/>,
/// <see cref="TeacherHost"/>).
/// </summary>
public static class ClusterRun
{
    /// <summary>
    /// Runs <paramref name="request"/> on <paramref name="node"/> with <paramref name="teachers"/> served from the
    /// cluster (combined after the request's local teachers, in this order). The run begins once each of them has a
    /// replica, and the announcement stops when the run ends. <paramref name="recipe"/>, when given, travels with the
    /// announcement so that teacher nodes derive the run's rows and teachers from it. A feature run
    /// (<see cref="PipelineRequest.Features"/>) announces the features each teacher sends, and is refused before it
    /// starts when a teacher's shard output exceeds Akka.Remote's frame (<see cref="FeatureFrameCheck"/>).
    /// </summary>
    public static async Task<PipelineResult> RunAsync(ClusterNode node, PipelineRequest request, IReadOnlyList<AnnouncedTeacher> teachers,
        CancellationToken cancellationToken = default, Distillation.Experiments.DistillRequest? recipe = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(teachers);
        if (teachers.Count == 0)
        {
            throw new ArgumentException("a cluster run needs at least one teacher served from the cluster", nameof(teachers));
        }

        var planner = new Core.Data.ShardPlanner(request.Train.Name, request.Train.Count, request.Settings.Seed, request.Settings.ShardSize);
        if (request.Features is { } plan)
        {
            // Teacher nodes hear which features each teacher sends; a shard output larger than a frame is refused now.
            FeatureFrameCheck.Check(plan, teachers.Select(t => t.Id), Math.Min(request.Settings.ShardSize, request.Train.Count), request.Student.Classes,
                node.System.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size", 128000) ?? 128000);
            teachers = [.. teachers.Select(t => t with { Features = [.. plan.RequestsFor(t.Id)] })];
        }

        var draft = new RunAnnouncementDraft(request.RunId, teachers, planner, request.Settings.ReplicaInFlight, recipe, request.Features?.Wire.Float16 ?? false);
        var mediator = DistributedPubSub.Get(node.System).Mediator;
        IActorRef? registrar = null;
        var clustered = request with
        {
            RemoteTeacherIds = [.. request.RemoteTeacherIds, .. teachers.Select(t => t.Id)],
            BeginAtOnce = false,
            OnStarted = endpoints =>
            {
                registrar = node.System.ActorOf(RunRegistrar.Props(draft, endpoints, mediator), "run-" + Uri.EscapeDataString(request.RunId).Replace("%", "_"));
                request.OnStarted?.Invoke(endpoints);
            },
        };
        try
        {
            return await DistillationPipeline.RunAsync(clustered, node.System, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (registrar is not null)
            {
                node.System.Stop(registrar);
            }
        }
    }

    /// <summary>The SHA-256 of a file, lower-case hex: what a coordinator announces and a teacher node checks for a teacher file.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
