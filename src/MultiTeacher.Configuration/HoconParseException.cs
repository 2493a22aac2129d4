using MultiTeacher.Configuration.Hocon;

namespace MultiTeacher.Configuration;

/// <summary>
/// A HOCON source is malformed. The message reads <c>file:line:column: found X, expected Y</c>;
/// <see cref="HoconException.File"/>, <see cref="HoconException.Line"/> and <see cref="HoconException.Column"/>
/// give the place.
/// </summary>
public sealed class HoconParseException : HoconException
{
    internal HoconParseException(SourcePosition position, string found, string expected)
        : base(position, $"found {found}, expected {expected}")
    {
        Found = found;
        Expected = expected;
    }

    /// <summary>Creates an exception without a source position.</summary>
    public HoconParseException(string message) : base(message)
    {
        Found = "";
        Expected = "";
    }

    /// <summary>Creates an exception wrapping the failure that caused it.</summary>
    public HoconParseException(string message, Exception innerException) : base(message, innerException)
    {
        Found = "";
        Expected = "";
    }

    /// <summary>Creates an exception with no message of its own.</summary>
    public HoconParseException()
    {
        Found = "";
        Expected = "";
    }

    /// <summary>What the parser found at the place of the error.</summary>
    public string Found { get; }

    /// <summary>What the parser expected there.</summary>
    public string Expected { get; }
}
