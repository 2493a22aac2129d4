using MultiTeacher.Actors;

namespace MultiTeacher.Distillation.Nodes;

/// <summary>
/// Connects the pipeline's endpoints (see <see cref="PipelineEndpoints"/>): in one process they are local actors; in a
/// cluster each endpoint is a durable work queue that every replica serving it consumes.
/// </summary>
public interface IPipelineFabric
{
    /// <summary>Where messages for the endpoint go, wherever the actor serving it lives.</summary>
    IActorRef Endpoint(string name);

    /// <summary>Makes messages for the endpoint reach <paramref name="actor"/> of this process.</summary>
    Task ServeAsync(string name, IActorRef actor, CancellationToken cancellationToken);
}
