using System.CommandLine;
using MultiTeacher.Cli.Commands;
using MultiTeacher.Cli.Terminal;
using MultiTeacher.Cluster;
using MultiTeacher.Configuration;
using MultiTeacher.Distillation.Experiments;

namespace MultiTeacher.Cli.Cluster;

/// <summary><c>mt cluster demo</c>: the demo of <c>mt demo</c>, its distilled students trained by the cluster's nodes.</summary>
internal static class ClusterCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "10,000 training rows, small teachers, 1 epoch." };
        var output = new Option<string?>("--out") { Description = "Folder for summary.json, report.html and students/ (default: runs/<time>)." };
        var models = new Option<string?>("--models") { Description = "Folder where teachers are cached (default: models/ in the repository)." };
        var config = new Option<string>("--config") { Description = "The configuration file (multiteacher.cluster: the broker).", DefaultValueFactory = _ => MultiTeacherConfiguration.DefaultFileName };
        var set = new Option<string[]>("--set") { Description = "Override a key, e.g. --set multiteacher.cluster.prefix=mt2 (repeatable)." };
        var data = CommonOptions.Data();
        var threads = CommonOptions.Threads();
        var demo = new Command("demo",
            "Run `mt demo` with its two distilled students trained across the cluster's nodes (start them with deploy/local-cluster.sh up, " +
            "or `mt node` on each machine); summary.json gains the cluster's traffic.")
        {
            quick, output, models, config, set, data, threads,
        };
        demo.SetAction((parse, token) => CommandRunner.RunAsync(async _ =>
        {
            var tree = MultiTeacherConfiguration.LoadTree(parse.GetValue(config)!, parse.GetValue(set) ?? []);
            CommonOptions.ApplyThreads(parse.GetValue(threads), tree);
            var settings = ClusterSettings.FromConfig(tree);
            var root = RepositoryRoot.Find();
            var outDir = Path.GetFullPath(parse.GetValue(output) ?? RunFolder.New(root));
            var plan = parse.GetValue(quick) ? DemoPlan.Quick : DemoPlan.Full;
            using var logs = NodeLogging.Create(Microsoft.Extensions.Logging.LogLevel.Warning);
            var runs = 0;
            DistilledStudentRunner onCluster = async (request, progress, cancellationToken) =>
            {
                var result = await ClusterRunDriver.RunAsync(request, settings, parse.GetValue(data), Path.Combine(outDir, "cluster", $"run{++runs}"),
                    progress, logs, cancellationToken).ConfigureAwait(false);
                return new DistilledStudent(result.Model, result.Student, result.Shards, result.Cluster);
            };
            var summary = await RunProgress.RunAsync(progress => DemoRunner.RunAsync(plan, parse.GetValue(data),
                parse.GetValue(models) ?? Path.Combine(root, "models"), outDir, progress, token, onCluster)).ConfigureAwait(false);
            SummaryTable.Write(summary, outDir);
            return 0;
        }, token));
        return new Command("cluster", "Work with a running cluster of `mt node` processes.") { demo };
    }
}
