using System.CommandLine;
using System.Runtime.InteropServices;
using MultiTeacher.Cli.Commands;

var root = new RootCommand(
    "MultiTeacher: distil an ensemble of teacher networks into one small student, on actors, " +
    "in one process or across the nodes of an Akka.Cluster (mt node, mt cluster).");
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(DistillCommand.Create());
root.Subcommands.Add(OnlineCommand.Create());
root.Subcommands.Add(TrainTeacherCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(LogitsCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(ConfigCommand.Create());
root.Subcommands.Add(NodeCommand.Create());
root.Subcommands.Add(ClusterCommand.Create());
root.Subcommands.Add(CheckpointCommand.Create());

// Ctrl+C and SIGTERM cancel the running command, which stops at its next safe point and writes nothing partial;
// a second Ctrl+C ends the process at once.
using var interrupt = new CancellationTokenSource();
void Interrupt(PosixSignalContext context)
{
    try
    {
        context.Cancel = !interrupt.IsCancellationRequested;
        interrupt.Cancel();
    }
    catch (ObjectDisposedException)
    {
        // The signal came as the command returned (a cluster node that Akka's own SIGTERM hook already stopped).
    }
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, interrupt.Token);
