using System.CommandLine;
using MultiTeacher.Cli.Commands;

var root = new RootCommand(
    "MultiTeacher: distil an ensemble of teacher networks into one small student, on actors, " +
    "in one process or across machines through RabbitMQ.");
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(DistillCommand.Create());
root.Subcommands.Add(TrainTeacherCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(LogitsCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(ConfigCommand.Create());

return await root.Parse(args).InvokeAsync();
