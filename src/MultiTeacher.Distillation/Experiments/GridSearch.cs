using MultiTeacher.Core.Data;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Training;
using MultiTeacher.Distillation.Reports;
using MultiTeacher.Distillation.Students;
using MultiTeacher.Distillation.Teachers;

namespace MultiTeacher.Distillation.Experiments;

/// <summary>
/// Picks T and α on the validation split (never the test set): a short plain-loop distillation per grid point, all
/// served from the one cached teacher pass.
/// </summary>
public static class GridSearch
{
    /// <summary>Every point tried, and the settings of the best one.</summary>
    public static (IReadOnlyList<GridPoint> Points, DistillationSettings Best) Run(string arch, Dataset train, int[] labels,
        IReadOnlyList<LogitTable> teachers, DistillationSettings baseSettings, IReadOnlyList<float> temperatures, IReadOnlyList<float> alphas,
        int epochs, Dataset validation, string labelsName, IRunProgress progress, CancellationToken cancellationToken)
    {
        var points = new List<GridPoint>();
        var best = baseSettings;
        var bestAccuracy = double.NegativeInfinity;
        using var phase = progress.Phase($"grid over T × α on validation ({labelsName} labels)", temperatures.Count * alphas.Count);
        foreach (var t in temperatures)
        {
            foreach (var alpha in alphas)
            {
                var settings = baseSettings with { Temperature = t, Alpha = alpha, Epochs = epochs };
                var student = Model.Create(arch, (ulong)baseSettings.Seed);
                var accuracy = double.NegativeInfinity;
                ReferenceDistillation.Train(student, train, labels, teachers, settings,
                    _ => accuracy = Math.Max(accuracy, Evaluator.Evaluate(student, validation).Accuracy), cancellationToken);
                points.Add(new GridPoint(labelsName, Math.Round(t, 4), Math.Round(alpha, 4), accuracy));
                phase.Report(points.Count, $"T={t} α={alpha}: {accuracy:P2}");
                if (accuracy > bestAccuracy)
                {
                    (bestAccuracy, best) = (accuracy, baseSettings with { Temperature = t, Alpha = alpha });
                }
            }
        }

        return (points, best);
    }
}
