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

    public IActorRef Endpoint(string name) => _endpoints.GetOrAdd(name, n => transport.WorkQueue(system, QueueName(n)));

    public Task ServeAsync(string name, IActorRef actor, CancellationToken cancellationToken) =>
        transport.ConsumeWorkQueueAsync(QueueName(name), actor, prefetch);

    /// <summary>The name of an endpoint's queue (without the transport's prefix).</summary>
    public string QueueName(string endpoint) => $"run.{runKey}.{endpoint}";
}
