using System.Globalization;

namespace MultiTeacher.Distillation.Reports;

/// <summary>The HTML report of <c>mt online</c>, from its summary alone.</summary>
public static class OnlineReport
{
    /// <summary>Builds the report of <paramref name="summary"/>.</summary>
    public static HtmlReport Build(OnlineSummary summary)
    {
        var s = summary.Settings;
        var report = new HtmlReport($"MultiTeacher online distillation {summary.Id}");
        report.Paragraph($"{summary.Dataset.Name}: {summary.Dataset.Train:N0} training rows split {s.Partitioning} between {s.Peers} peers {s.Arch}, " +
            $"{summary.Dataset.Test:N0} test rows. {s.Epochs} epochs, Adam {F(s.Lr)}, batch {s.Batch}; codistilled peers exchange checkpoints every " +
            $"{s.ExchangeEverySteps} steps and distil after a burn-in of {s.BurnInSteps} steps (T={F(s.Temperature)}, α={F(s.Alpha)}), using peer " +
            $"checkpoints at most {s.MaxStalenessSteps} steps old ({s.StalenessUnit}){(s.WaitForPeers ? ", in lockstep (reproducible)" : "")}. " +
            $"Accuracy: {s.AccuracyReported}. Seeds {string.Join(", ", s.Seeds)}. Transport: {summary.Transport}; {summary.Threads} threads per peer; " +
            $"{summary.ElapsedSeconds:F1} s.");

        report.Heading("Results");
        var mean = summary.MeanTestAccuracy;
        report.Table(["", "independent", "codistilled"],
        [
            ["mean test accuracy of every peer", P(mean.GetValueOrDefault("independent", double.NaN)), P(mean.GetValueOrDefault("codistilled", double.NaN))],
            .. summary.Churn is { } c ? new[] { (IReadOnlyList<string>)[$"prediction churn ({c.Compared})", P(c.Independent), P(c.Codistilled)] } : [],
        ]);

        report.Heading("Peers");
        report.Table(["run", "peer", "rows", "steps", "test accuracy", "checkpoints sent", "received", "ignored (old)", "distilled steps", "staleness mean", "staleness max"],
            summary.Runs.SelectMany(r => r.Peers.Select(p => (IReadOnlyList<string>)
                [r.Name, p.Id, N(p.Rows), N(p.Steps), P(p.TestAccuracy), N(p.CheckpointsSent), N(p.CheckpointsReceived), N(p.CheckpointsIgnored),
                    N(p.DistilledSteps), p.StalenessMean.ToString("0.#", CultureInfo.InvariantCulture), N(p.StalenessMax)])));

        report.Heading("Test accuracy per epoch");
        foreach (var mode in summary.Runs.Select(r => r.Mode).Distinct())
        {
            report.Figure(SvgChart.Lines($"{mode}: test accuracy after each epoch", "epoch", "test accuracy",
                summary.Runs.Where(r => r.Mode == mode).SelectMany(r => r.Peers.Select(p => ($"seed {r.Seed} {p.Id}",
                    (IReadOnlyList<(double, double)>)p.History.Select(h => ((double)h.Epoch, h.TestAccuracy)).ToList()))).ToList()));
        }

        report.Figure(SvgChart.Bars("Mean test accuracy by run", "test accuracy", summary.Runs.Select(r => (r.Name, r.MeanTestAccuracy)).ToList()));
        if (summary.Churn is { } churn)
        {
            report.Figure(SvgChart.Bars("Prediction churn between seeds", "test images with different predictions",
                [("independent", churn.Independent), ("codistilled", churn.Codistilled)]));
        }

        var incidents = summary.Runs.SelectMany(r => r.Incidents.Select(i => $"{r.Name}: {i}")).ToList();
        if (incidents.Count > 0)
        {
            report.Heading("Incidents");
            foreach (var incident in incidents.Take(50))
            {
                report.Paragraph(incident);
            }
        }

        return report;
    }

    private static string P(double v) => double.IsNaN(v) ? "–" : (v * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";

    private static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
