namespace MultiTeacher.Distillation.Online;

/// <summary>
/// A codistillation peer's counters, published on its ActorSystem's EventStream at every exchange point and at the
/// end (see Pipeline/PipelineEvents.cs): what the live dashboard shows of an online run.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="PeerId">The peer's model id.</param>
/// <param name="Step">Optimizer steps taken.</param>
/// <param name="TotalSteps">Steps of the whole run.</param>
/// <param name="Loss">Loss of the last batch.</param>
/// <param name="CheckpointsSent">Checkpoints it published.</param>
/// <param name="CheckpointsReceived">Peer checkpoints that reached it.</param>
/// <param name="StalenessMean">Mean age in steps of the peer checkpoints used.</param>
/// <param name="StalenessMax">Largest such age.</param>
public sealed record PeerProgress(string RunId, string PeerId, long Step, long TotalSteps, double Loss, int CheckpointsSent, int CheckpointsReceived,
    double StalenessMean, long StalenessMax);
