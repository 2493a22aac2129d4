using Microsoft.Extensions.Configuration;

namespace MultiTeacher.Configuration;

/// <summary>
/// Loads a HOCON file into configuration keys: objects nest with <c>:</c> (<c>multiteacher:threads</c>), array
/// elements are indexed (<c>teachers:0</c>), numbers keep their written form, null is the empty string.
/// </summary>
public sealed class HoconConfigurationProvider : ConfigurationProvider
{
    private readonly HoconConfigurationSource _source;

    /// <summary>Creates the provider of <paramref name="source"/>; nothing is read before <see cref="Load"/>.</summary>
    public HoconConfigurationProvider(HoconConfigurationSource source)
    {
        _source = source;
    }

    /// <summary>Reads and resolves the file; all its keys replace the previous ones, or an exception leaves them as they were.</summary>
    /// <exception cref="HoconException">The file is missing (and not optional), malformed or does not resolve.</exception>
    public override void Load()
    {
        if (_source.Optional && !File.Exists(_source.Path))
        {
            Data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            return;
        }
        Data = HoconConfig.Load(_source.Path, _source.Options).ToConfigurationData();
    }
}
