using MultiTeacher.Core.Data;

namespace MultiTeacher.Core.Tests.Data;

public sealed class ShardPlanTests
{
    [Theory]
    [InlineData(1000, 128)]
    [InlineData(1024, 128)]
    [InlineData(5, 10)]
    [InlineData(0, 4)]
    public void Create_AnySizes_CoversEveryRowExactlyOnce(int count, int shardSize)
    {
        var plan = ShardPlan.Create("toy", count, seed: 9, epoch: 2, shardSize);

        var rows = plan.Shards.SelectMany(s => plan.RowsOf(s).ToArray()).ToArray();

        Assert.Equal(Enumerable.Range(0, count), rows.Order());
        Assert.Equal((count + shardSize - 1) / shardSize, plan.Shards.Count);
        Assert.All(plan.Shards.SkipLast(1), s => Assert.Equal(shardSize, s.RowCount));
        if (count > 0)
        {
            Assert.Equal(count - (plan.Shards.Count - 1) * shardSize, plan.Shards[^1].RowCount);
        }
    }

    [Fact]
    public void Create_SameSeedAndEpoch_SameShardsAndRows()
    {
        var a = ShardPlan.Create("toy", 1000, seed: 5, epoch: 1, shardSize: 100);
        var b = new ShardPlanner("toy", 1000, seed: 5, shardSize: 100).ForEpoch(1);

        Assert.Equal(a.Shards, b.Shards);
        Assert.Equal(a.Permutation.ToArray(), b.Permutation.ToArray());
    }

    [Fact]
    public void Create_KnownSeed_FixedPermutation()
    {
        // The permutation is part of the on-the-wire contract: every node must compute the same one.
        Assert.Equal([4, 6, 8, 3, 1, 9, 7, 2, 0, 5], ShardPlanner.EpochPermutation(seed: 1, epoch: 0, count: 10));
    }

    [Fact]
    public void Create_DifferentEpochsOrSeeds_DifferentOrder()
    {
        var epoch0 = ShardPlanner.EpochPermutation(7, 0, 1000);

        Assert.NotEqual(epoch0, ShardPlanner.EpochPermutation(7, 1, 1000));
        Assert.NotEqual(epoch0, ShardPlanner.EpochPermutation(8, 0, 1000));
    }

    [Fact]
    public void Create_NoShuffle_IdentityOrder()
    {
        var plan = ShardPlan.Create("toy", 10, seed: 1, epoch: 3, shardSize: 4, shuffle: false);

        Assert.Equal([8, 9], plan.RowsOf(plan.Shards[2]).ToArray());
    }

    [Fact]
    public void Id_Shard_IsDatasetEpochAndFirstRow()
    {
        var plan = ShardPlan.Create("fashion-mnist/train", 60000, seed: 1, epoch: 3, shardSize: 128);

        Assert.Equal("fashion-mnist/train/e3/s000128", plan.Shards[1].Id);
        Assert.Equal(new Shard("fashion-mnist/train", 3, 59904, 96), plan.Shards[^1]);
    }

    [Fact]
    public void Find_KnownId_ReturnsShard()
    {
        var plan = ShardPlan.Create("fashion-mnist/train", 1000, seed: 1, epoch: 0, shardSize: 128);

        Assert.Equal(plan.Shards[7], plan.Find("fashion-mnist/train/e0/s000896"));
    }

    [Theory]
    [InlineData("fashion-mnist/train/e1/s000128")]
    [InlineData("fashion-mnist/train/e0/s000100")]
    [InlineData("fashion-mnist/train/e0/s001024")]
    [InlineData("fashion-mnist/test/e0/s000000")]
    [InlineData("fashion-mnist/train/e0/s")]
    public void Find_UnknownId_Throws(string id)
    {
        var plan = ShardPlan.Create("fashion-mnist/train", 1000, seed: 1, epoch: 0, shardSize: 128);

        Assert.Throws<KeyNotFoundException>(() => plan.Find(id));
    }

    [Fact]
    public void RowsOf_ShardOfOtherEpoch_Throws()
    {
        var plan = ShardPlan.Create("toy", 100, seed: 1, epoch: 0, shardSize: 10);

        Assert.Throws<ArgumentException>(() => plan.RowsOf(new Shard("toy", 1, 0, 10)));
        Assert.Throws<ArgumentException>(() => plan.RowsOf(new Shard("toy", 0, 95, 10)));
    }

    [Fact]
    public void ForEpoch_Repeated_ReturnsCachedPlan()
    {
        var planner = new ShardPlanner("toy", 100, seed: 1, shardSize: 10);

        Assert.Same(planner.ForEpoch(4), planner.ForEpoch(4));
    }

    [Fact]
    public void Create_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ShardPlan.Create("toy", 10, 1, -1, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShardPlan.Create("toy", 10, 1, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShardPlan.Create("toy", -1, 1, 0, 4));
    }
}
