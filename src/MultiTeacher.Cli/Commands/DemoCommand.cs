using System.CommandLine;
using MultiTeacher.Cli.Dashboard;
using MultiTeacher.Cli.Terminal;
using MultiTeacher.Distillation.Experiments;

namespace MultiTeacher.Cli.Commands;

/// <summary>
/// <c>mt demo</c>: trains (or reuses) three teachers on Fashion-MNIST and a small student four ways — from scratch and
/// distilled, with all labels and with 600 — and writes summary.json, report.html and the students.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "10,000 training rows, small teachers, 1 epoch: under a minute." };
        var output = new Option<string?>("--out") { Description = "Folder for summary.json, report.html and students/ (default: runs/<time>)." };
        var models = new Option<string?>("--models") { Description = "Folder where teachers are cached (default: models/ in the repository)." };
        var data = CommonOptions.Data();
        var threads = CommonOptions.Threads();
        var dashboard = DashboardOption.Create();
        var command = new Command("demo",
            "The main job: distil an ensemble of three teachers into a student ~75× smaller, with all labels and with only 600, " +
            "beside the same student trained without teachers.")
        {
            quick, output, models, data, threads, dashboard,
        };
        command.SetAction((parse, token) => CommandRunner.RunAsync(async _ =>
        {
            var config = CliConfiguration.Load();
            CommonOptions.ApplyThreads(parse.GetValue(threads), config);
            var root = RepositoryRoot.Find();
            var outDir = parse.GetValue(output) ?? RunFolder.New(root);
            var plan = parse.GetValue(quick) ? DemoPlan.Quick : DemoPlan.Full;
            var summary = await DashboardOption.RunAsync(parse.GetValue(dashboard), config.Config, (akka, watch) => RunProgress.RunAsync(progress =>
                DemoRunner.RunAsync(plan, parse.GetValue(data), parse.GetValue(models) ?? Path.Combine(root, "models"), outDir, watch(progress), akka, token)),
                _ => Path.Combine(outDir, "report.html"), token).ConfigureAwait(false);
            SummaryTable.Write(summary, outDir);
            return 0;
        }, token));
        return command;
    }
}
