namespace MultiTeacher.Core.Data;

/// <summary>No dataset was found; the message lists every place that was searched and how to fix it.</summary>
public sealed class DatasetNotFoundException : IOException
{
    /// <summary>Creates an exception with a plain message.</summary>
    public DatasetNotFoundException()
        : this("No dataset was found.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public DatasetNotFoundException(string message)
        : base(message)
    {
        Searched = [];
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public DatasetNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        Searched = [];
    }

    /// <summary>Creates an exception with a message and the places searched.</summary>
    public DatasetNotFoundException(string message, IReadOnlyList<string> searched)
        : base(message)
    {
        Searched = searched;
    }

    /// <summary>Each place searched, with what was found there (for example "MT_DATA: not set").</summary>
    public IReadOnlyList<string> Searched { get; }
}
