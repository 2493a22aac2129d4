namespace MultiTeacher.Cluster;

/// <summary>A publish that cannot succeed by retrying (the message is too large, its type is unknown).</summary>
public sealed class PermanentPublishException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PermanentPublishException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public PermanentPublishException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PermanentPublishException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
