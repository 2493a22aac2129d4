namespace MultiTeacher.Core.Models;

/// <summary>An architecture string that is unknown or malformed; the message quotes it and says what is expected.</summary>
public sealed class ArchitectureException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public ArchitectureException(string message) : base(message)
    {
    }
}
