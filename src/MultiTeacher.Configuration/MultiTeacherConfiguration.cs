using System.Collections;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace MultiTeacher.Configuration;

/// <summary>
/// Loads MultiTeacher's configuration with Akka's HOCON, as a fallback chain where each layer overrides the ones
/// after it: <c>--set key.path=value</c> options, then environment variables <c>MT_SECTION__KEY</c> (for
/// <c>section.key</c>), then the file (normally <c>cluster.hocon</c>, where a line <c>key = ${?VARIABLE}</c> takes an
/// environment variable when it is set), then the defaults built into this assembly (<c>reference.conf</c>). The
/// result is one resolved Akka <see cref="Config"/>: its <c>akka { }</c> block configures the ActorSystem, its
/// <c>multiteacher { }</c> block is read into typed settings through <see cref="ConfigSection"/>. Loading is all or
/// nothing: it returns a configuration or throws <see cref="InvalidConfigurationException"/>.
/// </summary>
/// <remarks>
/// The file is read as one HOCON document with the defaults before it, so its substitutions (<c>${path}</c>) see the
/// defaults and the defaults' substitutions see the file, as with Lightbend's reference.conf. The <c>MT_</c> and
/// <c>--set</c> layers lie over that resolved tree: a substitution in the file sees the file's value of a key even
/// when an override changes that key later. Override values are strings, as every scalar is in Akka's HOCON.
/// </remarks>
public static class MultiTeacherConfiguration
{
    /// <summary>The configuration file read when none is named: <c>cluster.hocon</c>.</summary>
    public const string DefaultFileName = "cluster.hocon";

    /// <summary>The prefix of environment variables that override keys (<c>MT_MULTITEACHER__THREADS=4</c>).</summary>
    public const string EnvironmentPrefix = "MT_";

    /// <summary>How messages name the defaults built into this assembly.</summary>
    public const string DefaultsName = "built-in defaults (reference.conf)";

    private const string DefaultsResource = "MultiTeacher.Configuration.reference.conf";

    /// <summary>The HOCON text of the built-in defaults.</summary>
    public static string DefaultsText()
    {
        using var stream = typeof(MultiTeacherConfiguration).Assembly.GetManifestResourceStream(DefaultsResource)
            ?? throw new InvalidOperationException($"resource {DefaultsResource} is missing from the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// The layered, resolved configuration. Its <see cref="LoadedConfiguration.Config"/> is the whole tree, ready for
    /// <c>ActorSystem.Create(name, loaded.Config)</c>.
    /// </summary>
    /// <param name="file">The HOCON file, or null for the built-in defaults alone (with the overrides).</param>
    /// <param name="setOverrides">Overrides written <c>key.path=value</c>, applied in order (the last wins).</param>
    /// <param name="environment">Environment variables for <c>MT_</c> overrides and <c>${?VARIABLE}</c>; null for this process's.</param>
    /// <exception cref="InvalidConfigurationException">The file is missing or malformed, a substitution does not
    /// resolve, or an override is malformed.</exception>
    public static LoadedConfiguration Load(string? file, IEnumerable<string> setOverrides, IReadOnlyDictionary<string, string>? environment = null)
    {
        environment ??= ProcessEnvironment();
        var defaults = new HoconSource(DefaultsName, DefaultsText(), AppContext.BaseDirectory);
        var sources = new List<HoconSource> { defaults };
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                throw new InvalidConfigurationException($"configuration file '{file}' not found");
            }
            sources.Add(new HoconSource(file, File.ReadAllText(file), Path.GetDirectoryName(Path.GetFullPath(file))!));
        }
        var fileTree = new Config(new HoconRoot(AkkaHocon.Parse(sources, environment)));
        var defaultsTree = file is null ? fileTree : new Config(new HoconRoot(AkkaHocon.Parse([defaults], environment)));

        var environmentLayer = new OverrideLayer();
        foreach (var (name, value) in environment
            .Where(e => e.Key.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) && e.Key.Contains("__", StringComparison.Ordinal))
            .OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            string[] path = name[EnvironmentPrefix.Length..].Split("__");
            if (path.Any(p => p.Length == 0))
            {
                throw new InvalidConfigurationException($"environment variable {name}: empty key (write MT_SECTION__KEY for section.key)");
            }
            environmentLayer.Set(path, value, environmentLayer.Over(fileTree).Root, $"environment variable {name}");
        }

        var setLayer = new OverrideLayer();
        var underSet = environmentLayer.Over(fileTree);
        foreach (string set in setOverrides)
        {
            int equals = set.IndexOf('=', StringComparison.Ordinal);
            string key = equals < 0 ? "" : set[..equals].Trim();
            if (key.Length == 0)
            {
                throw new InvalidConfigurationException($"--set {set}: expected key.path=value");
            }
            var path = ConfigPath.TrySplit(key)
                ?? throw new InvalidConfigurationException($"--set {set}: '{key}' is not a key path (elements joined by dots, an element with dots in double quotes)");
            setLayer.Set(path, set[(equals + 1)..], setLayer.Over(underSet).Root, $"--set {key}");
        }

        return new LoadedConfiguration(setLayer.Over(underSet), file, defaultsTree, [setLayer, environmentLayer]);
    }

    /// <summary>
    /// What <c>mt config show</c> prints: the resolved tree with secrets masked (<see cref="SecretMasker"/>), as
    /// indented HOCON or JSON.
    /// </summary>
    /// <param name="file">The HOCON file, or null for the built-in defaults alone.</param>
    /// <param name="setOverrides">Overrides written <c>key.path=value</c>.</param>
    /// <param name="json">JSON instead of HOCON.</param>
    /// <param name="withAkkaDefaults">Also Akka's own defaults beneath (the <c>akka.conf</c> of the Akka assembly),
    /// which an ActorSystem adds to the configuration it is given.</param>
    /// <param name="environment">Environment variables; null for this process's.</param>
    /// <exception cref="InvalidConfigurationException">Loading failed (see <see cref="Load"/>).</exception>
    public static string Show(string? file, IEnumerable<string> setOverrides, bool json, bool withAkkaDefaults = false,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var config = Load(file, setOverrides, environment).Config;
        if (withAkkaDefaults)
        {
            config = config.WithFallback(ConfigurationFactory.Default());
        }
        var masked = SecretMasker.Mask(ConfigTree.ToJson(config.Root));
        return json ? ConfigRenderer.ToJson(masked) + "\n" : ConfigRenderer.ToHocon(masked);
    }

    internal static IReadOnlyDictionary<string, string> ProcessEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string ?? "";
        }
        return environment;
    }
}
