using MultiTeacher.Dashboard.Status;
using MultiTeacher.Distillation.Reports;

namespace MultiTeacher.Dashboard.Server;

/// <summary>The page's charts, drawn by the final report's <see cref="SvgChart"/> so the live view and the report look alike.</summary>
internal static class DashboardCharts
{
    /// <summary>The student's loss by step.</summary>
    public static string Loss(RunStatus status) => SvgChart.Lines("Student loss", "step", "loss",
        [("loss", status.Student.Loss.Select(p => (p.X, p.Y)).ToList())], percent: false);

    /// <summary>Validation and test accuracy by epoch (an online run has test accuracy only).</summary>
    public static string Accuracy(RunStatus status)
    {
        var epochs = status.Student.Epochs;
        var series = new List<(string, IReadOnlyList<(double, double)>)>();
        var validation = epochs.Where(e => e.ValidationAccuracy is not null).Select(e => ((double)e.Epoch, e.ValidationAccuracy!.Value)).ToList();
        if (validation.Count > 0)
        {
            series.Add(("validation", validation));
        }

        foreach (var group in epochs.Where(e => e.TestAccuracy is not null).GroupBy(e => e.Peer))
        {
            series.Add((group.Key is null ? "test" : $"test {group.Key}", group.Select(e => ((double)e.Epoch, e.TestAccuracy!.Value)).ToList()));
        }

        return SvgChart.Lines("Accuracy per epoch", "epoch", "accuracy", series);
    }
}
