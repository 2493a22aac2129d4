using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Cluster.Runs;

/// <summary>
/// Teacher hot swap across the cluster: a <see cref="Checkpoint"/> whose model id is a teacher id, published on
/// <see cref="Topic"/>, reaches every teacher node's <see cref="TeacherHost"/>, which swaps it in (newer version of
/// the same shape, on a <c>--live</c> node), ignores it (not newer) or refuses it (another shape, or a cached teacher
/// pass) and answers the publisher with a <see cref="TeacherCheckpointAnswer"/>.
/// </summary>
public static class TeacherCheckpoints
{
    /// <summary>The DistributedPubSub topic of teacher checkpoints.</summary>
    public const string Topic = "teacher-checkpoints";

    /// <summary>How often <see cref="PublishAsync"/> looks whether a teacher node's subscription has reached this node.</summary>
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Publishes <paramref name="checkpoint"/> from <paramref name="system"/> (a cluster node) and returns the teacher
    /// nodes' answers that arrive within <paramref name="wait"/>. Subscriptions spread by gossip (one interval, 1 s by
    /// default), so it first waits until this node knows the topic and one more interval, so that a node that has just
    /// joined reaches every teacher node; none is found within <paramref name="wait"/>: no answer. It returns early
    /// once <paramref name="expectedAnswers"/> answers have arrived, when given.
    /// </summary>
    public static async Task<IReadOnlyList<TeacherCheckpointAnswer>> PublishAsync(ActorSystem system, Checkpoint checkpoint, TimeSpan wait,
        int? expectedAnswers = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var mediator = DistributedPubSub.Get(system).Mediator;
        var deadline = DateTime.UtcNow + wait;
        while (!(await mediator.Ask<CurrentTopics>(GetTopics.Instance, wait, cancellationToken).ConfigureAwait(false)).Topics.Contains(Topic))
        {
            if (DateTime.UtcNow > deadline)
            {
                return [];
            }

            await Task.Delay(s_poll, cancellationToken).ConfigureAwait(false);
        }

        await Task.Delay(system.Settings.Config.GetTimeSpan("akka.cluster.pub-sub.gossip-interval", TimeSpan.FromSeconds(1)), cancellationToken)
            .ConfigureAwait(false);
        var answers = new System.Collections.Concurrent.ConcurrentQueue<TeacherCheckpointAnswer>();
        var collector = system.ActorOf(Props.Create(() => new AnswerCollector(answers)).WithDeploy(Deploy.Local));
        try
        {
            mediator.Tell(new Publish(Topic, checkpoint), collector);
            deadline = DateTime.UtcNow + wait;
            while (DateTime.UtcNow < deadline && !(answers.Count >= expectedAnswers))
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }

            return [.. answers];
        }
        finally
        {
            system.Stop(collector);
        }
    }

    /// <summary>Gathers the answers to one publication.</summary>
    private sealed class AnswerCollector : ReceiveActor
    {
        public AnswerCollector(System.Collections.Concurrent.ConcurrentQueue<TeacherCheckpointAnswer> answers) =>
            Receive<TeacherCheckpointAnswer>(answers.Enqueue);
    }
}
