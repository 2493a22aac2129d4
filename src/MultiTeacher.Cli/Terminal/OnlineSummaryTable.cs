using MultiTeacher.Distillation.Reports;
using Spectre.Console;

namespace MultiTeacher.Cli.Terminal;

/// <summary>The table printed at the end of <c>mt online</c>: every peer of every run, then the means and the churn.</summary>
internal static class OnlineSummaryTable
{
    public static void Write(OnlineSummary summary, string outDir)
    {
        var table = new Table().AddColumns("mode", "seed", "peer", "test acc", "ckpt sent/recv", "staleness mean/max");
        foreach (var run in summary.Runs)
        {
            foreach (var p in run.Peers)
            {
                table.AddRow(Markup.Escape(run.Mode), $"{run.Seed}", Markup.Escape(p.Id), $"{p.TestAccuracy:P2}", $"{p.CheckpointsSent}/{p.CheckpointsReceived}",
                    run.Mode == "codistilled" ? $"{p.StalenessMean:F1}/{p.StalenessMax}" : "–");
            }
        }

        var mean = summary.MeanTestAccuracy;
        var churn = summary.Churn is { } c ? $"; churn independent {c.Independent:P2}, codistilled {c.Codistilled:P2}" : "";
        table.Caption(Markup.Escape($"mean test accuracy independent {mean.GetValueOrDefault("independent"):P2}, codistilled {mean.GetValueOrDefault("codistilled"):P2}" +
            $"{churn}; {summary.ElapsedSeconds:F0} s, {summary.Transport}"));
        Output.Console.Write(table);
        foreach (var run in summary.Runs.Where(r => r.Lost.Count > 0 || r.Incidents.Count > 0))
        {
            Output.Console.WriteLine($"{run.Name}: {run.Incidents.Count} incidents, lost peers: {(run.Lost.Count == 0 ? "none" : string.Join(", ", run.Lost))} (see report.html)");
        }

        Output.Console.WriteLine($"results: {Path.Combine(outDir, "summary.json")}, {Path.Combine(outDir, "report.html")}");
    }
}
