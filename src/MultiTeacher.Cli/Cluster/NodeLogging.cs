using Microsoft.Extensions.Logging;

namespace MultiTeacher.Cli.Cluster;

/// <summary>One line per event on stderr, with the time: what a node's log file needs.</summary>
internal static class NodeLogging
{
    public static ILoggerFactory Create(LogLevel minimum = LogLevel.Information) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(minimum)
        .AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss.fff ";
        })
        .AddFilter("Microsoft", LogLevel.Warning)
        .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace));
}
