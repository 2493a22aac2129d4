using System.CommandLine;
using MultiTeacher.Cli.Cluster;
using MultiTeacher.Cli.Dashboard;
using MultiTeacher.Cluster;
using MultiTeacher.Distillation.Experiments;

namespace MultiTeacher.Cli.Commands;

/// <summary>
/// <c>mt cluster demo [--quick]</c>: the demo (<c>mt demo</c>) with its two distilled students trained on a cluster:
/// this process joins it as the coordinator node, and the cluster's teacher nodes serve the demo's teachers, each
/// reading the teacher files and the dataset on its own machine.
/// </summary>
internal static class ClusterCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "10,000 training rows, small teachers, 1 epoch." };
        var output = new Option<string?>("--out") { Description = "Folder for summary.json, report.html and students/ (default: runs/<time>)." };
        var models = new Option<string?>("--models") { Description = "Folder where teachers are cached (default: models/ in the repository; teacher nodes read them there)." };
        var seeds = new Option<string?>("--seed-nodes") { Description = "The cluster to join (default: the one deploy/local-cluster.sh started)." };
        var data = CommonOptions.Data();
        var threads = CommonOptions.Threads();
        var dashboard = DashboardOption.Create();
        var demo = new Command("demo", "The demo with its distilled students trained on the cluster (start one with deploy/local-cluster.sh up).")
        {
            quick, output, models, seeds, data, threads, dashboard,
        };
        demo.SetAction((parse, token) => CommandRunner.RunAsync(async _ =>
        {
            var root = RepositoryRoot.Find();
            var seedNodes = parse.GetValue(seeds) is { } s ? NodeOptions.List(s) : LocalCluster.SeedNodes(root);
            var config = CliConfiguration.Load(null, parse.GetValue(seeds) is null ? [LocalCluster.DowningOverride] : []);
            CommonOptions.ApplyThreads(parse.GetValue(threads), config);
            var settings = ClusterNodeSettings.From(config) with { Port = 0, SeedNodes = seedNodes, Roles = ["coordinator", "aggregator", "student"] };
            var outDir = parse.GetValue(output) ?? RunFolder.New(root);
            var node = ClusterNode.Start(settings, config.Config);
            try
            {
                try
                {
                    await node.WhenUp(NodeRunner.JoinTimeout).WaitAsync(token).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    throw new CliUsageException($"could not join the cluster through {string.Join(", ", seedNodes)} within {NodeRunner.JoinTimeout.TotalSeconds:0} s " +
                        "(deploy/local-cluster.sh status shows whether its nodes run)");
                }

                var plan = parse.GetValue(quick) ? DemoPlan.Quick : DemoPlan.Full;
                var dataDirectory = parse.GetValue(data);
                var summary = await DashboardOption.RunOnNodeAsync(parse.GetValue(dashboard), node.System, watch => Terminal.RunProgress.RunAsync(progress =>
                    DemoRunner.RunAsync(plan, dataDirectory, parse.GetValue(models) ?? Path.Combine(root, "models"), outDir, watch(progress), config.Config, token,
                    distill: async (request, phaseProgress, cancellationToken) =>
                    {
                        var run = PreparedRun.Create(request, dataDirectory, phaseProgress, cancellationToken, _ => false);
                        var (model, history, result, _) = await ClusterDistill.RunAsync(node, request, run, "demo", phaseProgress, cancellationToken)
                            .ConfigureAwait(false);
                        return new DistilledStudent(model, ClusterRunReport.Student(model, run, history), result.Shards,
                            ClusterRunReport.Traffic(node, run, request.Settings.Epochs, result));
                    })), _ => Path.Combine(outDir, "report.html"), token).ConfigureAwait(false);
                Terminal.SummaryTable.Write(summary, outDir);
                return 0;
            }
            finally
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }
        }, token));
        var command = new Command("cluster", "Runs on an Akka.Cluster of mt node processes (deploy/local-cluster.sh starts one on this machine).") { demo };
        return command;
    }
}
