using System.Globalization;

namespace MultiTeacher.Distillation.Reports;

/// <summary>The HTML report of a demo or distillation run: the table of models and its plots, from summary.json alone.</summary>
public static class DemoReport
{
    private static readonly Dictionary<string, string> s_names = new()
    {
        ["scratch"] = "student, scratch, all labels",
        ["distilled"] = "student, distilled, all labels",
        ["scratch_few_labels"] = "student, scratch, few labels",
        ["distilled_few_labels"] = "student, distilled, few labels",
    };

    /// <summary>Builds the report of <paramref name="summary"/>.</summary>
    public static HtmlReport Build(RunSummary summary)
    {
        var report = new HtmlReport($"MultiTeacher run {summary.Id}");
        report.Paragraph($"{summary.Dataset.Name}: {summary.Dataset.Train:N0} training rows, {summary.Dataset.Validation:N0} validation rows " +
            $"(held out of the training set, used to pick T, α and the epoch kept), {summary.Dataset.Test:N0} test rows, {summary.Dataset.Classes} classes. " +
            $"Transport: {summary.Transport}; {summary.Threads} threads; {summary.ElapsedSeconds:F1} s.");

        report.Heading("Models");
        report.Table(["model", "architecture", "parameters", "labels", "test accuracy", "inference samples/s"], Rows(summary));

        report.Heading("Test accuracy per epoch");
        report.Figure(SvgChart.Lines("Students: test accuracy after each epoch", "epoch", "test accuracy",
            summary.Students.Select(s => (Name(s.Key), (IReadOnlyList<(double, double)>)s.Value.History.Select(h => ((double)h.Epoch, h.TestAccuracy)).ToList())).ToList()));

        report.Heading("Teachers, ensemble and students");
        var everyone = Models(summary).ToList();
        report.Figure(SvgChart.Bars("Test accuracy", "test accuracy", everyone.Select(m => (m.Name, m.Accuracy)).ToList()));
        report.Figure(SvgChart.Scatter("Accuracy against size", "parameters (log scale)", "test accuracy", everyone.Select(m => (m.Name, m.Params, m.Accuracy)).ToList()));
        report.Figure(SvgChart.Scatter("Accuracy against speed", "inference samples/s (log scale)", "test accuracy",
            everyone.Where(m => m.Speed > 0).Select(m => (m.Name, m.Speed, m.Accuracy)).ToList()));

        report.Heading("Temperature and α, picked on the validation split");
        report.Table(["labels", "T", "α", "validation accuracy"], summary.Distillation.Grid.Select(g => (IReadOnlyList<string>)
            [g.Labels, F(g.Temperature), F(g.Alpha), P(g.ValidationAccuracy)]));

        report.Heading("Shards");
        var s = summary.Shards;
        report.Paragraph($"planned {s.Planned}, aggregated {s.Aggregated}, trained {s.Trained}, duplicates dropped {s.DuplicatesDropped}, " +
            $"closed without every teacher {s.ClosedIncomplete}, teacher outputs rejected {s.RejectedOutputs}.");
        return report;
    }

    private static IEnumerable<IReadOnlyList<string>> Rows(RunSummary summary)
    {
        foreach (var t in summary.Teachers)
        {
            yield return [$"teacher {t.Id}", t.Arch, N(t.Params), "all", P(t.TestAccuracy), N(t.InferSamplesPerS)];
        }

        var e = summary.Ensemble;
        yield return ["ensemble (mean of teachers)", "", N(e.Params), "all", P(e.TestAccuracy), N(e.InferSamplesPerS)];
        foreach (var (role, s) in summary.Students)
        {
            yield return [Name(role), s.Arch, N(s.Params), N(s.Labels), P(s.TestAccuracy), N(s.InferSamplesPerS)];
        }
    }

    private static IEnumerable<(string Name, double Params, double Accuracy, double Speed)> Models(RunSummary summary)
    {
        foreach (var t in summary.Teachers)
        {
            yield return (t.Id, t.Params, t.TestAccuracy, t.InferSamplesPerS);
        }

        yield return ("ensemble", summary.Ensemble.Params, summary.Ensemble.TestAccuracy, summary.Ensemble.InferSamplesPerS);
        foreach (var (role, s) in summary.Students)
        {
            yield return (role, s.Params, s.TestAccuracy, s.InferSamplesPerS);
        }
    }

    private static string Name(string role) => s_names.TryGetValue(role, out var name) ? name : role;

    private static string P(double v) => double.IsNaN(v) ? "–" : (v * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";

    private static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
