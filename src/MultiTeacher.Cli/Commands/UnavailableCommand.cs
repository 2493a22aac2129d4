using System.CommandLine;

namespace MultiTeacher.Cli.Commands;

/// <summary>
/// A command whose engine is being replaced: the RabbitMQ transport is gone and the cluster commands return on
/// Akka.Cluster. It takes any arguments and says so with exit code 2 instead of failing obscurely.
/// </summary>
internal static class UnavailableCommand
{
    public static Command Create(string name, string description)
    {
        var command = new Command(name, description) { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(_ =>
        {
            Console.Error.WriteLine($"mt: error: mt {name} is not available in this version: the RabbitMQ transport was removed and " +
                "the cluster commands return on Akka.Cluster; run the same work in one process with mt distill, mt demo or mt online");
            return CommandRunner.UserError;
        });
        return command;
    }
}
