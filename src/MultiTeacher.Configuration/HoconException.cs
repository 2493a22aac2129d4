using MultiTeacher.Configuration.Hocon;

namespace MultiTeacher.Configuration;

/// <summary>
/// A configuration could not be loaded or a value could not be read: malformed HOCON, an unresolved substitution,
/// a missing include file, a value of the wrong type. The message starts with <c>file:line:column</c> when the
/// problem has a place in a file.
/// </summary>
public class HoconException : Exception
{
    /// <summary>Creates an exception without a source position.</summary>
    public HoconException(string message) : base(message)
    {
    }

    /// <summary>Creates an exception wrapping the failure that caused it.</summary>
    public HoconException(string message, Exception innerException) : base(message, innerException)
    {
    }

    internal HoconException(SourcePosition position, string message)
        : base($"{position}: {message}")
    {
        File = position.File;
        Line = position.Line;
        Column = position.Column;
    }

    /// <summary>Creates an exception with no message of its own.</summary>
    public HoconException()
    {
    }

    /// <summary>The file (or other source, such as <c>--set</c>) the problem is in, or null when it has no place.</summary>
    public string? File { get; }

    /// <summary>The 1-based line of the problem, or 0 when it has no line.</summary>
    public int Line { get; }

    /// <summary>The 1-based column of the problem, or 0 when it has no column.</summary>
    public int Column { get; }
}
