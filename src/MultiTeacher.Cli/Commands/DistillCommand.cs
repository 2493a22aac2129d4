using System.CommandLine;
using MultiTeacher.Cli.Dashboard;
using MultiTeacher.Cli.Terminal;
using MultiTeacher.Configuration;
using MultiTeacher.Distillation.Experiments;

namespace MultiTeacher.Cli.Commands;

/// <summary><c>mt distill</c>: one student distilled from the teachers (or teacher logits) that cluster.hocon names.</summary>
internal static class DistillCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The configuration file.", DefaultValueFactory = _ => MultiTeacherConfiguration.DefaultFileName };
        var set = new Option<string[]>("--set") { Description = "Override a key, e.g. --set multiteacher.distill.temperature=4 (repeatable)." };
        var logits = new Option<string?>("--teacher-logits") { Description = "Comma-separated .npy files of teacher logits on the training set (e.g. made by PyTorch)." };
        var output = new Option<string?>("--out") { Description = "Folder for summary.json, report.html and students/ (default: runs/<time>)." };
        var data = CommonOptions.Data();
        var threads = CommonOptions.Threads();
        var dashboard = DashboardOption.Create();
        var command = new Command("distill", "Distil a student from teacher files or cached logits, as configured in cluster.hocon " +
            "(section multiteacher.distill; see `mt config show`).")
        {
            config, set, logits, output, data, threads, dashboard,
        };
        command.SetAction((parse, token) => CommandRunner.RunAsync(async _ =>
        {
            var file = parse.GetValue(config)!;
            var tree = MultiTeacherConfiguration.Load(file, parse.GetValue(set) ?? []);
            CommonOptions.ApplyThreads(parse.GetValue(threads), tree);
            var request = DistillConfig.Read(tree, Path.GetDirectoryName(Path.GetFullPath(file))!);
            if (parse.GetValue(logits) is { } list)
            {
                request = request with { TeacherLogits = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Path.GetFullPath).ToList() };
            }

            var outDir = parse.GetValue(output) ?? RunFolder.New(RepositoryRoot.Find());
            var summary = await DashboardOption.RunAsync(parse.GetValue(dashboard), tree.Config, (akka, watch) =>
                RunProgress.RunAsync(progress => DistillRunner.RunAsync(request, parse.GetValue(data), outDir, watch(progress), akka, token)),
                _ => Path.Combine(outDir, "report.html"), token).ConfigureAwait(false);
            SummaryTable.Write(summary, outDir);
            return 0;
        }, token));
        return command;
    }
}
