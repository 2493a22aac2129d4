namespace MultiTeacher.Configuration;

/// <summary>How <see cref="HoconConfig.Load"/> and <see cref="HoconConfig.Parse"/> resolve a source.</summary>
public sealed class HoconLoadOptions
{
    /// <summary>
    /// The environment variables a substitution falls back to when its path is not in the configuration
    /// (<c>${HOME}</c>, <c>${?MT_RABBITMQ_URI}</c>); their values are strings and empty values count as unset.
    /// Null (the default) means the variables of this process.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>
    /// A configuration the source is merged over before its substitutions are resolved, so that the source may
    /// refer to values it only inherits (as an application's file refers to a library's <c>reference.conf</c>).
    /// </summary>
    public HoconConfig? Fallback { get; init; }
}
