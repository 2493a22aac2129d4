using System.Globalization;

namespace MultiTeacher.Core.Data;

/// <summary>
/// The shards of one epoch of one dataset: the epoch's permutation of the rows cut into consecutive pieces of
/// <see cref="ShardSize"/> rows (the last may be smaller). Every row appears in exactly one shard. Immutable and
/// safe to share between threads.
/// </summary>
public sealed class ShardPlan
{
    private readonly int[] _permutation;
    private readonly Shard[] _shards;

    private ShardPlan(string dataset, int epoch, int shardSize, int[] permutation)
    {
        Dataset = dataset;
        Epoch = epoch;
        ShardSize = shardSize;
        _permutation = permutation;
        _shards = new Shard[(permutation.Length + shardSize - 1) / shardSize];
        for (var i = 0; i < _shards.Length; i++)
        {
            var first = i * shardSize;
            _shards[i] = new Shard(dataset, epoch, first, Math.Min(shardSize, permutation.Length - first));
        }
    }

    /// <summary>The dataset's name, for example <c>fashion-mnist/train</c>.</summary>
    public string Dataset { get; }

    /// <summary>The epoch, from 0.</summary>
    public int Epoch { get; }

    /// <summary>Rows per shard (the last shard may hold fewer).</summary>
    public int ShardSize { get; }

    /// <summary>Number of rows in the dataset.</summary>
    public int Count => _permutation.Length;

    /// <summary>The shards in order.</summary>
    public IReadOnlyList<Shard> Shards => _shards;

    /// <summary>The epoch's order of dataset rows: position i of the epoch reads dataset row Permutation[i].</summary>
    public ReadOnlySpan<int> Permutation => _permutation;

    /// <summary>
    /// Plans one epoch. With <paramref name="shuffle"/> the rows follow <see cref="ShardPlanner.EpochPermutation"/>,
    /// otherwise they stay in dataset order.
    /// </summary>
    /// <param name="dataset">Dataset name, for example <c>fashion-mnist/train</c>.</param>
    /// <param name="count">Number of rows in the dataset.</param>
    /// <param name="seed">Run seed.</param>
    /// <param name="epoch">Epoch, from 0.</param>
    /// <param name="shardSize">Rows per shard, at least 1.</param>
    /// <param name="shuffle">Whether to shuffle the rows.</param>
    public static ShardPlan Create(string dataset, int count, long seed, int epoch, int shardSize, bool shuffle = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardSize, 1);
        var permutation = shuffle ? ShardPlanner.EpochPermutation(seed, epoch, count) : Enumerable.Range(0, count).ToArray();
        return new ShardPlan(dataset, epoch, shardSize, permutation);
    }

    /// <summary>The dataset rows of <paramref name="shard"/>, in training order: a view of <see cref="Permutation"/>.</summary>
    /// <exception cref="ArgumentException">The shard belongs to another dataset or epoch, or lies outside the permutation.</exception>
    public ReadOnlySpan<int> RowsOf(Shard shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        if (shard.Dataset != Dataset || shard.Epoch != Epoch)
        {
            throw new ArgumentException($"Shard {shard.Id} does not belong to this plan of {Dataset} epoch {Epoch}.", nameof(shard));
        }

        if (shard.FirstRow < 0 || shard.RowCount < 0 || (long)shard.FirstRow + shard.RowCount > Count)
        {
            throw new ArgumentException($"Shard {shard} exceeds the {Count} rows of {Dataset}.", nameof(shard));
        }

        return _permutation.AsSpan(shard.FirstRow, shard.RowCount);
    }

    /// <summary>The shard of this plan with the given <see cref="Shard.Id"/>.</summary>
    /// <exception cref="KeyNotFoundException">No shard of this plan has that id.</exception>
    public Shard Find(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var prefix = string.Create(CultureInfo.InvariantCulture, $"{Dataset}/e{Epoch}/s");
        if (id.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(id.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && first % ShardSize == 0
            && first / ShardSize < _shards.Length
            && _shards[first / ShardSize].Id == id)
        {
            return _shards[first / ShardSize];
        }

        throw new KeyNotFoundException($"No shard '{id}' in the plan of {Dataset} epoch {Epoch} ({_shards.Length} shards of {ShardSize} rows, ids {prefix}000000 onwards).");
    }
}
