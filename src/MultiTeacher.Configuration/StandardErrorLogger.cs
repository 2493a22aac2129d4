using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace MultiTeacher.Configuration;

/// <summary>
/// The logger cluster.hocon names in <c>akka.loggers</c>: Akka's log lines, formatted as its default logger formats
/// them, on standard error, so that standard output carries only a command's results (tables, <c>--json</c> lines).
/// </summary>
public sealed class StandardErrorLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    /// <summary>Creates the logger; Akka does this for each name in <c>akka.loggers</c>.</summary>
    public StandardErrorLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => Console.Error.WriteLine(e.ToString()));
    }
}
