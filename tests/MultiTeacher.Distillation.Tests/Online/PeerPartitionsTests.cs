using MultiTeacher.Distillation.Online;

namespace MultiTeacher.Distillation.Tests.Online;

public sealed class PeerPartitionsTests
{
    [Fact]
    public void Create_FashionMnistTwoPeersDisjoint_ConsecutiveHalvesAsThePyTorchTwinSplits()
    {
        // tests/pytorch/codistill_reference.py gives peer k rows [n·k/K, n·(k+1)/K): its figures are comparable only if ours are the same.
        var parts = PeerPartitions.Create(60_000, 2, Partitioning.Disjoint);

        Assert.Equal(Enumerable.Range(0, 30_000), parts[0]);
        Assert.Equal(Enumerable.Range(30_000, 30_000), parts[1]);
    }

    [Fact]
    public void Create_UnevenDisjoint_BlocksCoverEveryRowOnce()
    {
        var parts = PeerPartitions.Create(10, 3, Partitioning.Disjoint);

        Assert.Equal([3, 3, 4], parts.Select(p => p.Length));
        Assert.Equal(Enumerable.Range(0, 10), parts.SelectMany(p => p));
    }

    [Fact]
    public void Create_Shared_EveryPeerGetsEveryRow()
    {
        var parts = PeerPartitions.Create(7, 3, Partitioning.Shared);

        Assert.All(parts, p => Assert.Equal(Enumerable.Range(0, 7), p));
    }

    [Fact]
    public void Create_FewerRowsThanPeers_Throws()
    {
        Assert.Throws<ArgumentException>(() => PeerPartitions.Create(1, 2, Partitioning.Disjoint));
    }
}
