using System.Collections.Concurrent;
using MultiTeacher.Actors;
using MultiTeacher.Cluster;
using MultiTeacher.Distillation.Nodes;

namespace MultiTeacher.Cli.Cluster;

/// <summary>
/// The pipeline's endpoints as durable work queues of one run: <c>run.RUNKEY.ENDPOINT</c>. Queues per run keep the
/// leftovers of an aborted run out of the next one.
/// </summary>
internal sealed class RabbitFabric(RabbitMqTransport transport, ActorSystem system, string runKey, ushort prefetch) : IPipelineFabric
{
    private readonly ConcurrentDictionary<string, IActorRef> _endpoints = new();

    /// <summary>The queue-name-safe form of a run id.</summary>
    public static string KeyOf(string runId) => new(runId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());

    public IActorRef Endpoint(string name) => _endpoints.GetOrAdd(name, n => transport.WorkQueue(system, Declare(n)));

    public Task ServeAsync(string name, IActorRef actor, CancellationToken cancellationToken) =>
        transport.ConsumeWorkQueueAsync(Declare(name), actor, prefetch);

    // Teachers' queues are quorum queues, shared by a teacher's replicas; the other endpoints have one consumer each
    // and are classic durable queues (see RabbitMqTransport.UseClassicQueue).
    private string Declare(string endpoint)
    {
        var queue = QueueName(endpoint);
        if (!endpoint.StartsWith(PipelineEndpoints.Teacher(""), StringComparison.Ordinal))
        {
            transport.UseClassicQueue(queue);
        }

        return queue;
    }

    /// <summary>
    /// The run has ended: publishes to its pipeline endpoints that fail are dropped instead of retried (the reports
    /// endpoint is kept: a node's report still has to reach the coordinator).
    /// </summary>
    public void Abandon()
    {
        foreach (var endpoint in new[] { PipelineEndpoints.Coordinator, PipelineEndpoints.Aggregator, PipelineEndpoints.Student, PipelineEndpoints.Teacher("") })
        {
            transport.AbandonWorkQueues(QueueName(endpoint));
        }
    }

    /// <summary>The name of an endpoint's queue (without the transport's prefix).</summary>
    public string QueueName(string endpoint) => $"run.{runKey}.{endpoint}";
}
