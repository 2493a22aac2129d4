using MultiTeacher.Core.Numerics;

namespace MultiTeacher.Core.Data;

/// <summary>
/// Plans the shards of every epoch of one dataset for one run: the same dataset name, count, seed and shard size
/// give the same shards on every machine. Recently used plans are cached, so their permutations are computed once.
/// Thread-safe.
/// </summary>
public sealed class ShardPlanner
{
    private const int CachedPlans = 4;
    private readonly Lock _lock = new();
    private readonly LinkedList<ShardPlan> _recent = new();

    /// <summary>Creates a planner.</summary>
    /// <param name="dataset">Dataset name, for example <c>fashion-mnist/train</c>.</param>
    /// <param name="count">Number of rows in the dataset.</param>
    /// <param name="seed">Run seed.</param>
    /// <param name="shardSize">Rows per shard, at least 1.</param>
    /// <param name="shuffle">Whether each epoch shuffles the rows (otherwise dataset order).</param>
    public ShardPlanner(string dataset, int count, long seed, int shardSize, bool shuffle = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardSize, 1);
        Dataset = dataset;
        Count = count;
        Seed = seed;
        ShardSize = shardSize;
        Shuffle = shuffle;
    }

    /// <summary>The dataset's name.</summary>
    public string Dataset { get; }

    /// <summary>Number of rows in the dataset.</summary>
    public int Count { get; }

    /// <summary>Run seed.</summary>
    public long Seed { get; }

    /// <summary>Rows per shard.</summary>
    public int ShardSize { get; }

    /// <summary>Whether epochs shuffle the rows.</summary>
    public bool Shuffle { get; }

    /// <summary>
    /// The permutation of <paramref name="count"/> rows for an epoch: a Fisher–Yates shuffle driven by
    /// <c>Rng.Derive(seed, (ulong)epoch)</c>. Depends on nothing but its arguments.
    /// </summary>
    public static int[] EpochPermutation(long seed, int epoch, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Rng.Derive(seed, (ulong)epoch).Permutation(count);
    }

    /// <summary>The plan of <paramref name="epoch"/> (from 0), computed once and cached for the most recent epochs.</summary>
    public ShardPlan ForEpoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        lock (_lock)
        {
            for (var node = _recent.First; node is not null; node = node.Next)
            {
                if (node.Value.Epoch == epoch)
                {
                    return node.Value;
                }
            }
        }

        // Computed outside the lock: two threads may both compute the same plan, which is harmless (it is deterministic).
        var plan = ShardPlan.Create(Dataset, Count, Seed, epoch, ShardSize, Shuffle);
        lock (_lock)
        {
            _recent.AddFirst(plan);
            if (_recent.Count > CachedPlans)
            {
                _recent.RemoveLast();
            }
        }

        return plan;
    }
}
