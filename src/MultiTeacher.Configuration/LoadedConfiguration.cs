using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace MultiTeacher.Configuration;

/// <summary>
/// A configuration loaded by <see cref="MultiTeacherConfiguration.Load"/>: the resolved Akka <see cref="Config"/>
/// (the whole tree, <c>akka</c> and <c>multiteacher</c>) and typed reads of its sections that name the key path and
/// the origin of a bad value.
/// </summary>
public sealed class LoadedConfiguration
{
    private readonly Config _defaults;
    private readonly IReadOnlyList<OverrideLayer> _overrides;

    internal LoadedConfiguration(Config config, string? file, Config defaults, IReadOnlyList<OverrideLayer> overrides)
    {
        Config = config;
        File = file;
        _defaults = defaults;
        _overrides = overrides;
    }

    /// <summary>
    /// The resolved tree as Akka reads it: pass it to <c>ActorSystem.Create(name, Config)</c>, or put a test's
    /// settings over it with <c>ConfigurationFactory.ParseString("...").WithFallback(Config)</c>.
    /// </summary>
    public Config Config { get; }

    /// <summary>The file that was read, as it was named, or null when there was none.</summary>
    public string? File { get; }

    /// <summary>Typed reads of the whole tree (<c>Root.GetInt("multiteacher.threads")</c>).</summary>
    public ConfigSection Root => new(this, "");

    /// <summary>Typed reads below <paramref name="path"/> (<c>Section("multiteacher.distill").GetInt("epochs")</c>).</summary>
    /// <exception cref="InvalidConfigurationException">There is no object at <paramref name="path"/>.</exception>
    public ConfigSection Section(string path) => Root.Section(path);

    /// <summary>Where the value at <paramref name="path"/> comes from: an override, the file or the built-in defaults.</summary>
    public string SourceOf(string path)
    {
        var elements = ConfigPath.TrySplit(path) ?? [path];
        foreach (var layer in _overrides)
        {
            if (layer.SourceOf(elements) is { } source)
            {
                return source;
            }
        }
        var fromDefaults = _defaults.GetValue(path);
        var value = Config.GetValue(path);
        bool asDefault = fromDefaults is not null && value is not null
            && ConfigTree.ToJson(fromDefaults)?.ToJsonString() == ConfigTree.ToJson(value)?.ToJsonString();
        return File is not null && !asDefault ? File : MultiTeacherConfiguration.DefaultsName;
    }

    /// <summary>The value at a full path, or null when there is none.</summary>
    internal HoconValue? Find(string path) => Config.GetValue(path);
}
