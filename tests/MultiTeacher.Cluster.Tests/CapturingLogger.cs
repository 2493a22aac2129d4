using System.Collections.Concurrent;
using Akka.Dispatch;
using Akka.Event;

namespace MultiTeacher.Cluster.Tests;

/// <summary>
/// A logger (<c>akka.loggers</c>) that keeps every log event of its ActorSystem, so a test can count and read what a
/// node logged. Events are kept per system, since every node's system has the same name.
/// </summary>
public sealed class CapturingLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private static readonly ConcurrentDictionary<ActorSystem, ConcurrentQueue<LogEvent>> s_events = new();

    public const string TypeName = "MultiTeacher.Cluster.Tests.CapturingLogger, MultiTeacher.Cluster.Tests";

    public CapturingLogger()
    {
        var events = s_events.GetOrAdd(Context.System, _ => new ConcurrentQueue<LogEvent>());
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(events.Enqueue);
    }

    /// <summary>What <paramref name="system"/> has logged so far.</summary>
    public static IReadOnlyList<LogEvent> EventsOf(ActorSystem system) =>
        s_events.TryGetValue(system, out var events) ? [.. events] : [];

    /// <summary>Forgets a stopped system.</summary>
    public static void Forget(ActorSystem system) => s_events.TryRemove(system, out _);
}
