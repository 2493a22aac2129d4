namespace MultiTeacher.Cli.Commands;

/// <summary>A command line that cannot be carried out; the message says what to change.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
