namespace MultiTeacher.Cluster;

/// <summary>The first connection to the broker failed; the message names the broker's host:port and the cause.</summary>
public sealed class ClusterConnectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterConnectionException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ClusterConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ClusterConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
