using MultiTeacher.Configuration.Hocon;

namespace MultiTeacher.Configuration;

/// <summary>
/// A substitution could not be resolved: <c>${path}</c> names no value (and no environment variable), two or more
/// substitutions refer to each other in a cycle, or a concatenation mixes strings, arrays and objects.
/// </summary>
public sealed class HoconResolveException : HoconException
{
    internal HoconResolveException(SourcePosition position, string path, IReadOnlyList<string> cycle, string message)
        : base(position, message)
    {
        Path = path;
        Cycle = cycle;
    }

    /// <summary>Creates an exception without a source position.</summary>
    public HoconResolveException(string message) : base(message)
    {
        Path = "";
        Cycle = [];
    }

    /// <summary>Creates an exception wrapping the failure that caused it.</summary>
    public HoconResolveException(string message, Exception innerException) : base(message, innerException)
    {
        Path = "";
        Cycle = [];
    }

    /// <summary>Creates an exception with no message of its own.</summary>
    public HoconResolveException()
    {
        Path = "";
        Cycle = [];
    }

    /// <summary>The path of the substitution that failed, as written inside <c>${...}</c>.</summary>
    public string Path { get; }

    /// <summary>For a cycle: the keys in it, in order, the first repeated at the end; otherwise empty.</summary>
    public IReadOnlyList<string> Cycle { get; }
}
