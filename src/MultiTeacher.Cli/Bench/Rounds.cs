using System.Diagnostics;

namespace MultiTeacher.Cli.Bench;

/// <summary>Paired timings of an actor round and its anchor round; medians resist load from other processes.</summary>
internal sealed class Rounds
{
    private readonly List<(double Rate, double AnchorRate)> _rounds = [];
    private TimeSpan _elapsed;

    /// <summary>Messages (or round trips) over all rounds.</summary>
    public long Count { get; private set; }

    public double MedianRate => Median(_rounds.Select(r => r.Rate));

    public double MedianAnchorRate => Median(_rounds.Select(r => r.AnchorRate));

    /// <summary>The median of the per-round ratios, each actor round against the anchor round run beside it.</summary>
    public double MedianRatio => Median(_rounds.Select(r => r.Rate / r.AnchorRate));

    public static async Task<TimeSpan> TimeAsync(Func<Task> round)
    {
        var start = Stopwatch.GetTimestamp();
        await round().ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>At least five pairs, then until the actor and anchor time together reach twice the budget.</summary>
    public bool Done(TimeSpan budget) => _rounds.Count >= 5 && _elapsed >= budget + budget;

    public void Add(int count, TimeSpan actor, TimeSpan anchor)
    {
        _rounds.Add((count / actor.TotalSeconds, count / anchor.TotalSeconds));
        _elapsed += actor + anchor;
        Count += count;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
