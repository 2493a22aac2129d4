namespace MultiTeacher.Core.Data;

/// <summary>
/// A data or checkpoint file is truncated, corrupt or of an unsupported kind. The message starts with the file's path
/// and says what was expected and what was found.
/// </summary>
public sealed class DataFormatException : IOException
{
    /// <summary>Creates an exception with a plain message.</summary>
    public DataFormatException()
        : this("The data file is invalid.")
    {
    }

    /// <summary>Creates an exception with a plain message.</summary>
    public DataFormatException(string message)
        : base(message)
    {
        FilePath = string.Empty;
    }

    /// <summary>Creates an exception with a plain message and its cause.</summary>
    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = string.Empty;
    }

    /// <summary>Creates an exception whose message is "<paramref name="filePath"/>: <paramref name="problem"/>".</summary>
    public DataFormatException(string filePath, string problem, Exception? innerException)
        : base($"{filePath}: {problem}", innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The file at fault, or empty when the data did not come from a named file.</summary>
    public string FilePath { get; }
}
