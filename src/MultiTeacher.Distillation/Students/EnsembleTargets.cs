using MultiTeacher.Core.Losses;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Students;

/// <summary>Soft targets p̄ for rows of a dataset from cached teacher logits: the plain-loop twin of the aggregator.</summary>
public static class EnsembleTargets
{
    /// <summary>p̄ (rows.Length × classes) of <paramref name="teachers"/> (in teacher order) for the given rows.</summary>
    public static float[] For(IReadOnlyList<LogitTable> teachers, ReadOnlySpan<int> rows, DistillationSettings settings)
    {
        var classes = teachers[0].Classes;
        var logits = new ReadOnlyMemory<float>[teachers.Count];
        var weights = new float[teachers.Count];
        for (var t = 0; t < teachers.Count; t++)
        {
            var gathered = new float[rows.Length * classes];
            teachers[t].Gather(rows, gathered);
            logits[t] = gathered;
            weights[t] = settings.WeightOf(t, teachers.Count);
        }

        var targets = new float[rows.Length * classes];
        EnsembleAverage.Combine(logits, weights, rows.Length, classes, settings.Temperature, settings.Aggregation, targets);
        return targets;
    }

    /// <summary>p̄ for every row of the tables.</summary>
    public static float[] ForAll(IReadOnlyList<LogitTable> teachers, DistillationSettings settings) =>
        For(teachers, Enumerable.Range(0, teachers[0].Rows).ToArray(), settings);
}
