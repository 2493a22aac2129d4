using Microsoft.Extensions.Configuration;

namespace MultiTeacher.Configuration;

/// <summary>Adds HOCON files to an <see cref="IConfigurationBuilder"/>.</summary>
public static class HoconConfigurationExtensions
{
    /// <summary>
    /// Adds the keys of a HOCON file (<c>a.b = 1</c> becomes <c>a:b</c>, array elements <c>a:0</c>, <c>a:1</c>), so
    /// options bind from it as from any other source. The file is read when the configuration is built.
    /// </summary>
    /// <param name="builder">The builder to add to.</param>
    /// <param name="path">The HOCON file; a relative path is relative to the working directory.</param>
    /// <param name="optional">Whether a missing file yields no keys instead of an error.</param>
    /// <param name="options">Environment and fallback for resolving the file's substitutions; null for the defaults.</param>
    public static IConfigurationBuilder AddHoconFile(this IConfigurationBuilder builder, string path, bool optional = false,
        HoconLoadOptions? options = null) =>
        builder.Add(new HoconConfigurationSource { Path = path, Optional = optional, Options = options });
}
