using Microsoft.Extensions.Configuration;

namespace MultiTeacher.Configuration;

/// <summary>A HOCON file as a source of <c>Microsoft.Extensions.Configuration</c> keys.</summary>
public sealed class HoconConfigurationSource : IConfigurationSource
{
    /// <summary>The HOCON file; a relative path is relative to the working directory.</summary>
    public required string Path { get; init; }

    /// <summary>Whether a missing file yields no keys instead of an error.</summary>
    public bool Optional { get; init; }

    /// <summary>Environment and fallback for resolving the file's substitutions; null for the defaults.</summary>
    public HoconLoadOptions? Options { get; init; }

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new HoconConfigurationProvider(this);
}
