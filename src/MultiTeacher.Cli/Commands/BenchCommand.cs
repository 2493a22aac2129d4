using System.CommandLine;
using MultiTeacher.Cli.Bench;

namespace MultiTeacher.Cli.Commands;

/// <summary><c>mt bench ...</c>: throughput benchmarks that print JSON for side-by-side comparisons.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure throughput; with --json, one JSON object per line.");
        bench.Subcommands.Add(NeuralNetBench.CreateCommand());
        bench.Subcommands.Add(TeachersBench.CreateCommand());
        bench.Subcommands.Add(ActorsBench.CreateCommand());
        bench.Subcommands.Add(PipelineBench.CreateCommand());
        bench.Subcommands.Add(ClusterBench.CreateCommand());
        return bench;
    }
}
