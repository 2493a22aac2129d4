using Microsoft.Extensions.Logging;

namespace MultiTeacher.Actors.Dispatch;

/// <summary>The kernel's log messages.</summary>
internal static partial class ActorLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Dead letter: {MessageType} from {Sender} to {Recipient}")]
    public static partial void DeadLetter(ILogger logger, string messageType, string sender, string recipient);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Count} dead letters logged; further ones are only counted")]
    public static partial void DeadLettersSuppressed(ILogger logger, int count);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "{Actor} failed; its supervisor decided {Directive}")]
    public static partial void ChildFailed(ILogger logger, Exception exception, ActorPath actor, Directive directive);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "{Actor} threw in {Hook}")]
    public static partial void HookFailed(ILogger logger, Exception exception, ActorPath actor, string hook);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "{Actor} did not handle {MessageType} from {Sender}")]
    public static partial void Unhandled(ILogger logger, ActorPath actor, string messageType, ActorPath? sender);

    [LoggerMessage(EventId = 6, Level = LogLevel.Critical, Message = "{Actor} failed to handle the system message {Message}")]
    public static partial void InternalError(ILogger logger, Exception exception, ActorPath actor, string message);
}
