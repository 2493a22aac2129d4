using System.Globalization;

namespace MultiTeacher.Core.Data;

/// <summary>
/// A unit of work: <paramref name="RowCount"/> consecutive positions of <paramref name="Epoch"/>'s permutation of
/// <paramref name="Dataset"/>, starting at position <paramref name="FirstRow"/>. Only this travels between nodes;
/// each node maps it to dataset rows with <see cref="ShardPlan.RowsOf"/>.
/// </summary>
/// <param name="Dataset">Dataset name, for example <c>fashion-mnist/train</c>.</param>
/// <param name="Epoch">Epoch number, from 0.</param>
/// <param name="FirstRow">Position of the shard's first row in the epoch's permutation (not a dataset row index).</param>
/// <param name="RowCount">Number of rows.</param>
public sealed record Shard(string Dataset, int Epoch, int FirstRow, int RowCount)
{
    /// <summary>A stable id, <c>{Dataset}/e{Epoch}/s{FirstRow:000000}</c>, for example <c>fashion-mnist/train/e3/s000128</c>.</summary>
    public string Id => string.Create(CultureInfo.InvariantCulture, $"{Dataset}/e{Epoch}/s{FirstRow:D6}");

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Id} ({RowCount} rows)");
}
