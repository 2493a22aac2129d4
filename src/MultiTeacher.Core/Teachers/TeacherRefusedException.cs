namespace MultiTeacher.Core.Teachers;

/// <summary>
/// A teacher cannot serve the run's data: its output is not (batch × classes), it needs other inputs, or it produced
/// NaN or infinity. The message names the file, what was expected and what came.
/// </summary>
public sealed class TeacherRefusedException : InvalidOperationException
{
    /// <summary>Creates an exception with a plain message.</summary>
    public TeacherRefusedException()
        : this("The teacher was refused.")
    {
    }

    /// <summary>Creates an exception with a plain message.</summary>
    public TeacherRefusedException(string message)
        : base(message)
    {
        FilePath = string.Empty;
    }

    /// <summary>Creates an exception with a plain message and its cause.</summary>
    public TeacherRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = string.Empty;
    }

    /// <summary>Creates an exception whose message is "teacher <paramref name="filePath"/>: <paramref name="problem"/>".</summary>
    public TeacherRefusedException(string filePath, string problem, Exception? innerException = null)
        : base($"teacher {filePath}: {problem}", innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The teacher file refused.</summary>
    public string FilePath { get; }
}
