using System.CommandLine;

namespace MultiTeacher.Cli.Bench;

/// <summary><c>mt bench nn</c>: inference and training throughput of the neural-network core.</summary>
internal static class NeuralNetBench
{
    public static Command CreateCommand()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object per model instead of a table." };
        var seconds = new Option<double>("--seconds") { Description = "Seconds measured per model and mode.", DefaultValueFactory = _ => 2.0 };
        var command = new Command("nn", "Samples/s of inference (batch 256) and of an Adam training step (batch 128).") { json, seconds };
        command.SetAction(parse => Run(parse.GetValue(json), parse.GetValue(seconds)));
        return command;
    }

    private static int Run(bool json, double seconds)
    {
        Console.WriteLine(json ? "{}" : $"not yet ({seconds}s)");
        return 0;
    }
}
