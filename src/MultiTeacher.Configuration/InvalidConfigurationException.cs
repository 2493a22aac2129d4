namespace MultiTeacher.Configuration;

/// <summary>
/// The configuration cannot be used: a file is missing or malformed, a substitution does not resolve, an override is
/// malformed, or a value is missing or of the wrong type. The message names the place: <c>file:line:column</c> when
/// Akka's parser gave a position, the file otherwise, and the full key path for a value
/// (<c>multiteacher.distill.epochs: expected an integer, got "ten" (cluster.hocon)</c>).
/// </summary>
public sealed class InvalidConfigurationException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public InvalidConfigurationException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception wrapping the failure that caused it.</summary>
    public InvalidConfigurationException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message of its own.</summary>
    public InvalidConfigurationException()
    {
    }
}
