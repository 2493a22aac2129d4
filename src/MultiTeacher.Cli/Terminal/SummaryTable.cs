using MultiTeacher.Distillation.Reports;
using Spectre.Console;

namespace MultiTeacher.Cli.Terminal;

/// <summary>The table printed at the end of a run: every teacher, the ensemble and the students.</summary>
internal static class SummaryTable
{
    public static void Write(RunSummary summary, string outDir)
    {
        var table = new Table().AddColumn(new TableColumn("model").NoWrap()).AddColumns("params", "labels", "test acc", "samples/s");
        foreach (var t in summary.Teachers)
        {
            table.AddRow(Markup.Escape($"teacher {t.Arch}"), $"{t.Params:N0}", "all", $"{t.TestAccuracy:P2}", $"{t.InferSamplesPerS:N0}");
        }

        table.AddRow("ensemble (mean)", $"{summary.Ensemble.Params:N0}", "all", $"{summary.Ensemble.TestAccuracy:P2}", $"{summary.Ensemble.InferSamplesPerS:N0}");
        foreach (var (role, s) in summary.Students)
        {
            table.AddRow(Markup.Escape($"{role} {s.Arch}"), $"{s.Params:N0}", $"{s.Labels:N0}", $"{s.TestAccuracy:P2}", $"{s.InferSamplesPerS:N0}");
        }

        var chosen = summary.Distillation.Chosen;
        var grid = chosen is null ? "" : string.Join("; ", chosen.Select(c => $"{c.Key}: T={c.Value.Temperature} α={c.Value.Alpha}"));
        table.Caption(Markup.Escape($"{summary.ElapsedSeconds:F0} s, {summary.Transport}; picked on validation: {grid}"));
        Output.Console.Write(table);
        Output.Console.WriteLine($"results: {Path.Combine(outDir, "summary.json")}, {Path.Combine(outDir, "report.html")}");
    }
}
