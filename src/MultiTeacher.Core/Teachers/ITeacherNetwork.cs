namespace MultiTeacher.Core.Teachers;

/// <summary>
/// A teacher network loaded from a file, whatever its format, run in evaluation mode without gradients.
/// Not thread-safe: one owner at a time. Load one with <see cref="TeacherLoader.Load"/>.
/// </summary>
public interface ITeacherNetwork : IDisposable
{
    /// <summary>The file the teacher came from.</summary>
    string Path { get; }

    /// <summary>The file's format.</summary>
    TeacherFormat Format { get; }

    /// <summary>What the network is, for tables: an architecture string, or the format and what the file declares.</summary>
    string Description { get; }

    /// <summary>Number of parameters (0 when the format does not tell).</summary>
    long ParameterCount { get; }

    /// <summary>
    /// Runs the network on <paramref name="rows"/> samples of <paramref name="sampleShape"/> (row-major floats) and
    /// returns its chosen output as it came, unchecked (see <see cref="TeacherProbe"/> for the checks).
    /// </summary>
    /// <exception cref="TeacherRefusedException">The model failed on the batch or returned no usable tensor; the message names the file.</exception>
    TeacherOutput Run(ReadOnlyMemory<float> inputs, int rows, int[] sampleShape);
}
