using Microsoft.Extensions.Logging;

namespace MultiTeacher.Distillation.Pipeline;

/// <summary>Pre-compiled log messages of the pipeline (no formatting cost when the level is off).</summary>
internal static partial class LogExtensions
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Text}")]
    public static partial void LogWarningMessage(this ILogger logger, string text);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Text}")]
    public static partial void LogInformationMessage(this ILogger logger, string text);
}
