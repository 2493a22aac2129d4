using Akka.Actor;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Distillation.Online;

/// <summary>What a <see cref="CodistillationPeer"/> needs.</summary>
/// <param name="RunId">The run (messages of other runs are ignored).</param>
/// <param name="PeerId">The peer's model id in checkpoints.</param>
/// <param name="Model">The network trained (owned by the actor from now on).</param>
/// <param name="Train">The training set.</param>
/// <param name="Rows">The rows of <paramref name="Train"/> this peer trains on.</param>
/// <param name="Settings">The run's settings.</param>
/// <param name="PeerIds">Every peer's model id, this one included, in a fixed order (p̄ averages in this order).</param>
/// <param name="Hub">The checkpoint hub, or null (no exchange).</param>
/// <param name="Monitor">Told of epochs, incidents and the end.</param>
public sealed record PeerSetup(string RunId, string PeerId, Model Model, Dataset Train, int[] Rows, OnlineSettings Settings,
    IReadOnlyList<string> PeerIds, IActorRef? Hub, IActorRef Monitor)
{
    /// <summary>Seed of the peer's data order.</summary>
    public long OrderSeed { get; init; }

    /// <summary>Evaluated after every epoch, or null.</summary>
    public Dataset? Test { get; init; }

    /// <summary>
    /// Teachers of the offline pipeline that take part (logits on rows of <see cref="Train"/>): their tempered
    /// predictions join the peers' in p̄, from the first step (they need no burn-in).
    /// </summary>
    public IReadOnlyList<PipelineTeacher> Teachers { get; init; } = [];

    /// <summary>
    /// Peer <paramref name="index"/> of <paramref name="request"/>'s group, exactly as every process makes it: its
    /// partition, initial weights, data order and model id depend only on the request and the index, so peer k trained
    /// in its own process (<see cref="GroupMember"/>) is peer k of <see cref="CodistillationGroup"/>.
    /// </summary>
    public static PeerSetup ForGroup(GroupRequest request, int index, IActorRef? hub, IActorRef monitor)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ids = request.Ids;
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ids.Count);
        var partitions = PeerPartitions.Create(request.Train.Count, ids.Count, request.Settings.Partitioning);
        var model = Model.Create(request.Arch, ModelSeed(request.Settings.Seed, index));
        Core.Training.DataCompatibility.Check(model.Architecture, request.Train, "peer");
        return new PeerSetup(request.RunId, ids[index], model, request.Train, partitions[index], request.Settings, ids, hub, monitor)
        {
            OrderSeed = DataOrderSeed(request.Settings.Seed, index),
            Test = request.Test,
            Teachers = request.TeachersFor?.Invoke(index) ?? [],
        };
    }

    /// <summary>The seed of peer <paramref name="index"/>'s initial weights in a run seeded <paramref name="seed"/>.</summary>
    public static ulong ModelSeed(long seed, int index) => Rng.Derive(seed, 0x1000UL + (ulong)index).NextUInt64();

    /// <summary>The seed of peer <paramref name="index"/>'s data order in a run seeded <paramref name="seed"/>.</summary>
    public static long DataOrderSeed(long seed, int index) => (long)Rng.Derive(seed, 0x2000UL + (ulong)index).NextUInt64();
}
