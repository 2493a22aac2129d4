namespace MultiTeacher.Distillation.Online;

/// <summary>The training rows of each peer.</summary>
public static class PeerPartitions
{
    /// <summary>
    /// Rows of <paramref name="count"/> for each of <paramref name="peers"/> peers: consecutive blocks of (nearly) equal
    /// size for <see cref="Partitioning.Disjoint"/>, every row for <see cref="Partitioning.Shared"/>. The split does not
    /// depend on the seed, so two seeds' peer k train on the same rows (churn then measures the seed alone).
    /// </summary>
    public static int[][] Create(int count, int peers, Partitioning partitioning)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(peers);
        if (partitioning == Partitioning.Disjoint && count < peers)
        {
            throw new ArgumentException($"{count} training rows cannot be split between {peers} peers");
        }

        return Enumerable.Range(0, peers).Select(k => partitioning == Partitioning.Shared
            ? Enumerable.Range(0, count).ToArray()
            : Enumerable.Range((int)((long)count * k / peers), (int)((long)count * (k + 1) / peers - (long)count * k / peers)).ToArray()).ToArray();
    }
}
