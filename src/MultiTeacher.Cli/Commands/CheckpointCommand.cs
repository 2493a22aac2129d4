using System.CommandLine;
using MultiTeacher.Cli.Cluster;
using MultiTeacher.Cluster;
using MultiTeacher.Cluster.Runs;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Cli.Commands;

/// <summary>
/// <c>mt checkpoint publish FILE --model-id T [--version N]</c>: joins the cluster, broadcasts the safetensors weights
/// of FILE as a new version of teacher T on the topic <c>teacher-checkpoints</c>, prints what every teacher node that
/// serves T did with it (swapped between two shards, ignored as not newer, or refused: another architecture or
/// parameter count, or a cached teacher pass — only <c>mt node --live</c> nodes can swap), and leaves.
/// </summary>
internal static class CheckpointCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The new weights: a safetensors file of the teacher's architecture." };
        var modelId = new Option<string>("--model-id") { Description = "The teacher id (its file name without extension in the run).", Required = true };
        var version = new Option<long?>("--version")
        {
            Description = "The version; teacher nodes take only a version newer than the one they hold (default: now, in ms since 1970, so a later publish is newer).",
        };
        var seeds = new Option<string?>("--seed-nodes") { Description = "The cluster to join (default: MT_SEED_NODES, else the one deploy/local-cluster.sh started)." };
        var hostname = new Option<string?>("--hostname") { Description = "Address to bind to (default: akka.remote.dot-netty.tcp.hostname, MT_HOSTNAME)." };
        var config = new Option<string?>("--config") { Description = "The configuration file (default: cluster.hocon of the repository)." };
        var wait = new Option<double>("--wait") { Description = "Seconds to wait for the teacher nodes' answers.", DefaultValueFactory = _ => 10 };
        var publish = new Command("publish", "Broadcast new weights of a teacher to the cluster's teacher nodes (hot swap, version-checked).")
        {
            file, modelId, version, seeds, hostname, config, wait,
        };
        publish.SetAction((parse, token) => CommandRunner.RunAsync(async _ =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new CliUsageException($"{path}: no such file");
            }

            var loaded = ModelCheckpoint.Load(path);
            var checkpoint = new Checkpoint(parse.GetValue(modelId)!, parse.GetValue(version) ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0,
                loaded.Model.Architecture.Text, loaded.Model.GetWeights(), new Dictionary<string, double>());
            if (checkpoint.Version <= 0)
            {
                throw new CliUsageException($"--version must be positive (a teacher file loaded by a node is version 0), got {checkpoint.Version}");
            }

            var configuration = CliConfiguration.Load(parse.GetValue(config), []);
            var settings = ClusterNodeSettings.From(configuration);
            settings = settings with
            {
                Hostname = parse.GetValue(hostname) ?? settings.Hostname,
                Port = 0,
                Roles = [],
                SeedNodes = parse.GetValue(seeds) is { } s ? NodeOptions.List(s)
                    : settings.SeedNodes.Count > 0 ? settings.SeedNodes : LocalCluster.SeedNodes(RepositoryRoot.Find()),
            };
            var node = ClusterNode.Start(settings, configuration.Config);
            try
            {
                try
                {
                    await node.WhenUp(NodeRunner.JoinTimeout).WaitAsync(token).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    throw new CliUsageException($"could not join the cluster through {string.Join(", ", settings.SeedNodes)} within {NodeRunner.JoinTimeout.TotalSeconds:0} s");
                }

                Console.Error.WriteLine($"mt checkpoint: publishing {checkpoint.ModelId} version {checkpoint.Version} ({checkpoint.Arch}, {checkpoint.Weights.Length:N0} parameters)");
                var answers = await TeacherCheckpoints.PublishAsync(node.System, checkpoint, TimeSpan.FromSeconds(parse.GetValue(wait)), null, token).ConfigureAwait(false);
                foreach (var answer in answers)
                {
                    Console.WriteLine($"{answer.Outcome.ToString().ToLowerInvariant()}: {answer.Text}");
                }

                if (answers.Count == 0)
                {
                    Console.Error.WriteLine($"mt checkpoint: no teacher node serving {checkpoint.ModelId} answered within {parse.GetValue(wait)} s " +
                        "(teacher nodes answer for the teachers of runs they have served)");
                }

                return answers.Any(a => a.Outcome == SwapOutcome.Swapped) ? 0 : 1;
            }
            finally
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }
        }, token));
        return new Command("checkpoint", "Teacher checkpoints on a cluster.") { publish };
    }
}
