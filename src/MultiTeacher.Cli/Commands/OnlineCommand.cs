using System.CommandLine;
using MultiTeacher.Cli.Dashboard;
using MultiTeacher.Cli.Terminal;
using MultiTeacher.Core.Torch;
using MultiTeacher.Distillation.Online;

namespace MultiTeacher.Cli.Commands;

/// <summary>
/// <c>mt online</c>: K peers codistilling on Fashion-MNIST (each on its partition, exchanging checkpoints), beside the
/// same peers trained independently, for two seeds; writes summary.json (accuracy per epoch, checkpoints, staleness,
/// prediction churn) and report.html.
/// </summary>
internal static class OnlineCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "10,000 training rows, 2,000 test rows, 2 epochs: well under a minute." };
        var peers = new Option<int?>("--peers") { Description = "Number of peers K (default: multiteacher.online.peers)." };
        var output = new Option<string?>("--out") { Description = "Folder for summary.json, report.html and peers/ (default: runs/<time>)." };
        var config = new Option<string?>("--config") { Description = "The configuration file (default: cluster.hocon of the repository)." };
        var set = new Option<string[]>("--set") { Description = "Override a key, e.g. --set multiteacher.online.alpha=0.7 (repeatable)." };
        var data = CommonOptions.Data();
        var threads = CommonOptions.Threads();
        var dashboard = DashboardOption.Create();
        var command = new Command("online",
            "Online distillation: K peers train at once, each on its own part of the data, and distil from each other's checkpoints " +
            "(codistillation); compared with the same peers trained alone, for two seeds (section multiteacher.online of cluster.hocon).")
        {
            quick, peers, output, config, set, data, threads, dashboard,
        };
        command.SetAction((parse, token) => CommandRunner.RunAsync(async _ =>
        {
            var root = RepositoryRoot.Find();
            var tree = CliConfiguration.Load(parse.GetValue(config), parse.GetValue(set));
            CommonOptions.ApplyThreads(parse.GetValue(threads), tree);
            var request = OnlineConfig.Read(tree, tree.File is { } file ? Path.GetDirectoryName(Path.GetFullPath(file))! : root);
            if (parse.GetValue(peers) is { } k)
            {
                request = request with { Settings = request.Settings with { Peers = k } };
            }

            if (parse.GetValue(quick))
            {
                request = request with
                {
                    TrainRows = 10_000,
                    TestRows = 2_000,
                    Settings = request.Settings with { Epochs = 2, ExchangeEverySteps = 10, BurnInEpochs = 0.5 },
                };
            }

            if (request.Settings.Peers < 2)
            {
                throw new CliUsageException($"codistillation needs at least 2 peers, got {request.Settings.Peers}");
            }

            // The peers train in parallel, one actor each: share the core's threads between them.
            TorchRuntime.Threads = Math.Max(1, TorchRuntime.Threads / request.Settings.Peers);
            var outDir = parse.GetValue(output) ?? RunFolder.New(root);
            var summary = await DashboardOption.RunAsync(parse.GetValue(dashboard), tree.Config, (akka, watch) =>
                RunProgress.RunAsync(progress => OnlineExperiment.RunAsync(request, parse.GetValue(data), outDir, watch(progress), akka, token)),
                _ => Path.Combine(outDir, "report.html"), token).ConfigureAwait(false);
            OnlineSummaryTable.Write(summary, outDir);
            return 0;
        }, token));
        return command;
    }
}
