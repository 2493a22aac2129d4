using Microsoft.Extensions.Configuration;

namespace MultiTeacher.Configuration;

/// <summary>
/// Loads MultiTeacher's configuration the standard way, each layer overriding the ones before it:
/// built-in defaults (an embedded <c>reference.conf</c>), the HOCON file (normally <c>cluster.hocon</c>),
/// environment variables <c>MT_SECTION__KEY</c> (for <c>section.key</c>, names matched ignoring case), and
/// <c>--set key.path=value</c> options. Either everything loads or an exception is thrown; nothing is half-applied.
/// </summary>
/// <remarks>
/// The file's substitutions are resolved before the environment and <c>--set</c> layers are applied (as values of
/// later .NET configuration providers are), so they see the file's values; write <c>${?MT_VARIABLE}</c> in the file
/// for a value that should follow an environment variable. Override values are strings.
/// </remarks>
public static class MultiTeacherConfiguration
{
    /// <summary>The configuration file read when none is named: <c>cluster.hocon</c> in the working directory.</summary>
    public const string DefaultFileName = "cluster.hocon";

    /// <summary>The prefix of environment variables that override configuration keys.</summary>
    public const string EnvironmentPrefix = "MT_";

    private const string DefaultsResource = "MultiTeacher.Configuration.reference.conf";

    /// <summary>The built-in defaults, resolved on their own.</summary>
    /// <param name="environment">Variables for substitutions; null for those of this process.</param>
    public static HoconConfig LoadDefaults(IReadOnlyDictionary<string, string>? environment = null)
    {
        using var stream = typeof(MultiTeacherConfiguration).Assembly.GetManifestResourceStream(DefaultsResource)
            ?? throw new InvalidOperationException($"resource {DefaultsResource} is missing from the assembly");
        using var reader = new StreamReader(stream);
        return HoconConfig.Parse(reader.ReadToEnd(), "reference.conf", new HoconLoadOptions { Environment = environment });
    }

    /// <summary>The resolved tree: defaults, file, <c>MT_</c> environment variables and <c>--set</c> overrides.</summary>
    /// <param name="file">The HOCON file, or null for none.</param>
    /// <param name="setOverrides">Overrides written <c>key.path=value</c>, applied in order.</param>
    /// <param name="environment">Environment variables (for <c>MT_</c> overrides and substitutions); null for those of this process.</param>
    /// <param name="withDefaults">Whether the built-in defaults lie under the file.</param>
    /// <exception cref="HoconException">The file is missing or malformed, a substitution or include failed, or an override is malformed.</exception>
    public static HoconConfig LoadTree(string? file, IEnumerable<string> setOverrides,
        IReadOnlyDictionary<string, string>? environment = null, bool withDefaults = true)
    {
        environment ??= HoconConfig.ProcessEnvironment();
        var defaults = withDefaults ? LoadDefaults(environment) : null;
        var config = file is null
            ? defaults ?? HoconConfig.Empty
            : HoconConfig.Load(file, new HoconLoadOptions { Environment = environment, Fallback = defaults });
        return new HoconConfig(ConfigurationOverrides.Apply(config.Root, environment, setOverrides));
    }

    /// <summary>
    /// What <c>mt config show</c> prints: the resolved tree of <paramref name="file"/> with the environment and
    /// <c>--set</c> overrides applied and secrets masked (<see cref="HoconSecretMasker"/>), as indented HOCON or JSON.
    /// </summary>
    /// <param name="file">The HOCON file.</param>
    /// <param name="setOverrides">Overrides written <c>key.path=value</c>, applied in order.</param>
    /// <param name="json">JSON instead of HOCON.</param>
    /// <param name="withDefaults">Whether the built-in defaults lie under the file (otherwise the file is shown on its own).</param>
    /// <param name="environment">Environment variables; null for those of this process.</param>
    /// <exception cref="HoconException">Loading failed (see <see cref="LoadTree"/>).</exception>
    public static string Show(string file, IEnumerable<string> setOverrides, bool json, bool withDefaults,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var masked = HoconSecretMasker.MaskSecrets(LoadTree(file, setOverrides, environment, withDefaults));
        return json ? masked.ToJson() + "\n" : masked.ToHocon();
    }

    /// <summary>
    /// The same layers as <see cref="LoadTree"/> as an <see cref="IConfigurationRoot"/>: keys nest with <c>:</c>
    /// (<c>multiteacher:threads</c>), array elements are indexed (<c>teachers:0</c>), lookups ignore case.
    /// </summary>
    /// <inheritdoc cref="LoadTree" />
    public static IConfigurationRoot Load(string? file, IEnumerable<string> setOverrides,
        IReadOnlyDictionary<string, string>? environment = null, bool withDefaults = true)
    {
        var tree = LoadTree(file, setOverrides, environment, withDefaults);
        return new ConfigurationBuilder().AddInMemoryCollection(tree.ToConfigurationData()).Build();
    }
}
