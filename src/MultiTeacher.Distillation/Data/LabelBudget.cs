using System.Globalization;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Numerics;

namespace MultiTeacher.Distillation.Data;

/// <summary>
/// How many training rows keep their label: all of them, a count (<c>600</c>) or a percentage (<c>1%</c>). The other
/// rows are unlabelled (label −1) and take the distillation term alone.
/// </summary>
public sealed record LabelBudget(int? Count, double? Percent)
{
    /// <summary>Every row keeps its label.</summary>
    public static LabelBudget All { get; } = new(null, null);

    /// <summary>True when every row keeps its label.</summary>
    public bool IsAll => Count is null && Percent is null;

    /// <summary>Parses <c>all</c>, <c>600</c> or <c>1%</c>.</summary>
    public static LabelBudget Parse(string text)
    {
        var t = text.Trim();
        if (t.Length == 0 || t.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return All;
        }

        if (t.EndsWith('%') && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) && percent > 0 && percent <= 100)
        {
            return new LabelBudget(null, percent);
        }

        if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0)
        {
            return new LabelBudget(count, null);
        }

        throw new FormatException($"labels = '{text}': expected 'all', a row count such as 600, or a percentage such as 1%");
    }

    /// <summary>The number of labelled rows out of <paramref name="rows"/>.</summary>
    public int LabelledOf(int rows) => IsAll ? rows : Count is { } c ? Math.Min(c, rows) : (int)Math.Round(rows * Percent!.Value / 100);

    /// <summary>
    /// The labels to train with: the dataset's labels for a class-balanced, seeded choice of rows, −1 for the others.
    /// </summary>
    public int[] Apply(Dataset dataset, long seed)
    {
        var labels = (int[])dataset.Labels.Clone();
        var keep = LabelledOf(dataset.Count);
        if (keep >= dataset.Count)
        {
            return labels;
        }

        var byClass = Enumerable.Range(0, dataset.Classes).Select(_ => new List<int>()).ToArray();
        foreach (var row in new Rng((ulong)seed ^ 0x1ABE15UL).Permutation(dataset.Count))
        {
            byClass[dataset.Labels[row]].Add(row);
        }

        // Round-robin over classes keeps the labelled rows balanced whatever the budget.
        var chosen = new HashSet<int>();
        for (var i = 0; chosen.Count < keep; i++)
        {
            foreach (var rows in byClass)
            {
                if (i < rows.Count && chosen.Count < keep)
                {
                    chosen.Add(rows[i]);
                }
            }
        }

        for (var row = 0; row < labels.Length; row++)
        {
            if (!chosen.Contains(row))
            {
                labels[row] = DistillationLoss.Unlabelled;
            }
        }

        return labels;
    }

    /// <inheritdoc />
    public override string ToString() => IsAll ? "all" : Count is { } c ? c.ToString(CultureInfo.InvariantCulture) : $"{Percent}%";
}
