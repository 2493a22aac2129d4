using System.Globalization;
using Akka.Configuration.Hocon;

namespace MultiTeacher.Configuration;

/// <summary>
/// Typed reads below one path of a <see cref="LoadedConfiguration"/>. Every read goes through one accessor that
/// turns a missing or unreadable value into an <see cref="InvalidConfigurationException"/> naming the full key path,
/// what was expected, what was found and where it came from:
/// <c>multiteacher.distill.epochs: expected an integer, got "ten" (cluster.hocon)</c>. Conversions are Akka's
/// (its getters are what the ActorSystem reads its own settings with), so the same text means the same everywhere.
/// </summary>
public sealed class ConfigSection
{
    private readonly LoadedConfiguration _configuration;

    internal ConfigSection(LoadedConfiguration configuration, string path)
    {
        _configuration = configuration;
        Path = path;
    }

    /// <summary>The full path of this section; empty for the root.</summary>
    public string Path { get; }

    /// <summary>The object at <paramref name="key"/> as a section of its own.</summary>
    /// <exception cref="InvalidConfigurationException">There is no object there.</exception>
    public ConfigSection Section(string key) =>
        Read(key, "an object", v => ConfigTree.KindOf(v) == ValueKind.Object
            ? new ConfigSection(_configuration, ConfigPath.Combine(Path, key))
            : throw new FormatException());

    /// <summary>Whether <paramref name="key"/> has a value other than null.</summary>
    public bool HasValue(string key) =>
        _configuration.Find(ConfigPath.Combine(Path, key)) is { } value && ConfigTree.KindOf(value) != ValueKind.Null;

    /// <summary>A string (any scalar, as written, without the surrounding whitespace Akka trims).</summary>
    public string GetString(string key) => Read(key, "a string", Text);

    /// <summary>A 32-bit integer such as <c>42</c> or <c>-7</c>.</summary>
    public int GetInt(string key) => Get(key, "an integer", t => int.Parse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));

    /// <summary>A 64-bit integer.</summary>
    public long GetLong(string key) => Get(key, "an integer", t => long.Parse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));

    /// <summary>A number such as <c>0.5</c>, <c>2</c> or <c>1e-3</c>.</summary>
    public double GetDouble(string key) =>
        Get(key, "a number", t => double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture));

    /// <summary>A boolean as Akka reads one: <c>true</c>, <c>false</c>, <c>on</c> or <c>off</c>.</summary>
    public bool GetBoolean(string key) => Read(key, "a boolean (true, false, on or off)", v => Scalar(v).GetBoolean());

    /// <summary>
    /// A duration as Akka reads one: a number and a unit (<c>ns</c>, <c>micros</c>, <c>ms</c>, <c>s</c>, <c>m</c>,
    /// <c>h</c>, <c>d</c> or their long forms such as <c>seconds</c>; Akka 1.5.75 refuses <c>us</c>), or a plain
    /// number of milliseconds; not negative.
    /// </summary>
    public TimeSpan GetDuration(string key) =>
        Read(key, "a duration such as 200ms, 30s or 2 minutes", v => Scalar(v).GetTimeSpan(allowInfinite: false));

    /// <summary>
    /// A size in bytes as Akka reads one: a whole number and a unit (<c>kB</c>, <c>MB</c>, ... powers of 1000;
    /// <c>K</c>, <c>KiB</c>, <c>M</c>, <c>MiB</c>, ... powers of 1024), or a plain number of bytes.
    /// </summary>
    public long GetBytes(string key) =>
        Read(key, "a size such as 128000b, 512KiB or 8MiB", v => Scalar(v).GetByteSize() ?? throw new FormatException());

    /// <summary>
    /// A list of strings: an array of scalars, or a string of comma-separated items (what <c>--set</c> and
    /// <c>MT_</c> variables give: <c>--set multiteacher.online.seeds=1,2,3</c>, brackets allowed).
    /// </summary>
    public IReadOnlyList<string> GetStringList(string key) => GetList(key, "strings", t => t);

    /// <summary>A list whose items are parsed by <paramref name="parse"/>; see <see cref="GetStringList"/>.</summary>
    /// <param name="key">The key below this section.</param>
    /// <param name="items">What each item should be, for messages ("integers").</param>
    /// <param name="parse">Parses one item; throws <see cref="FormatException"/> (or <see cref="OverflowException"/>) when it cannot.</param>
    public IReadOnlyList<T> GetList<T>(string key, string items, Func<string, T> parse) =>
        Read<IReadOnlyList<T>>(key, $"an array of {items}", v => ConfigTree.KindOf(v) switch
        {
            ValueKind.Array => [.. v.GetArray().Select(item => parse(Text(item)))],
            ValueKind.Text => [.. v.GetString().Trim('[', ']')
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse)],
            _ => throw new FormatException(),
        });

    /// <summary>
    /// A list whose items are strings or objects of scalar fields, each read as fields: a string item is the object
    /// <c>{ <paramref name="shortField"/> = item }</c>. Fields outside <paramref name="fields"/>, nested values, and
    /// objects without <paramref name="shortField"/> are errors naming the key. For example teachers written
    /// <c>["a.pt", { path = "b.onnx", weight = 2 }]</c>.
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> GetRecordList(string key, string shortField, IReadOnlyCollection<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var expected = $"an array of strings or objects {{ {string.Join(", ", fields.Select(f => f + " = ..."))} }}";
        return Read<IReadOnlyList<IReadOnlyDictionary<string, string>>>(key, expected, v => ConfigTree.KindOf(v) switch
        {
            ValueKind.Array => [.. v.GetArray().Select((item, i) => Record(ConfigPath.Combine(Path, key), i, item, shortField, fields, expected))],
            ValueKind.Text => [.. v.GetString().Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(text => new Dictionary<string, string> { [shortField] = text })],
            _ => throw new FormatException(),
        });
    }

    /// <summary>
    /// A scalar in a format of the caller's: <paramref name="parse"/> gets its text and throws
    /// <see cref="FormatException"/> (or <see cref="OverflowException"/>, <see cref="ArgumentException"/>) when the
    /// text is not one; the message then names the key, <paramref name="expected"/>, the value and its origin.
    /// </summary>
    public T Get<T>(string key, string expected, Func<string, T> parse) => Read(key, expected, v => parse(Text(v)));

    /// <summary>The one accessor: finds the value, converts it, and names everything when either fails.</summary>
    private T Read<T>(string key, string expected, Func<HoconValue, T> read)
    {
        string path = ConfigPath.Combine(Path, key);
        var value = _configuration.Find(path) ?? throw new InvalidConfigurationException($"{path}: missing (expected {expected})");
        try
        {
            return read(value);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or NotSupportedException)
        {
            string found = ConfigTree.KindOf(value) switch
            {
                ValueKind.Object => "an object",
                ValueKind.Array => "an array",
                ValueKind.Null => "null",
                _ => ConfigPath.QuoteAlways(value.GetString()),
            };
            throw new InvalidConfigurationException($"{path}: expected {expected}, got {found} ({_configuration.SourceOf(path)})", e);
        }
    }

    private Dictionary<string, string> Record(string path, int index, HoconValue item, string shortField, IReadOnlyCollection<string> fields, string expected)
    {
        try
        {
            return Record(item, shortField, fields);
        }
        catch (FormatException e)
        {
            throw new InvalidConfigurationException($"{path}: item {index}: {e.Message}; expected {expected} ({_configuration.SourceOf(path)})", e);
        }
    }

    private static Dictionary<string, string> Record(HoconValue item, string shortField, IReadOnlyCollection<string> fields)
    {
        if (ConfigTree.KindOf(item) == ValueKind.Text)
        {
            return new Dictionary<string, string> { [shortField] = item.GetString() };
        }

        if (ConfigTree.KindOf(item) != ValueKind.Object)
        {
            throw new FormatException("neither a string nor an object");
        }

        var record = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in item.GetObject().Items)
        {
            record[name] = !fields.Contains(name) ? throw new FormatException($"unknown field '{name}'")
                : ConfigTree.KindOf(value) == ValueKind.Text ? value.GetString() : throw new FormatException($"field '{name}' is not a scalar");
        }

        return record.ContainsKey(shortField) ? record : throw new FormatException($"an object without '{shortField}'");
    }

    private static HoconValue Scalar(HoconValue value) =>
        ConfigTree.KindOf(value) == ValueKind.Text ? value : throw new FormatException("not a scalar");

    private static string Text(HoconValue value) => Scalar(value).GetString();
}
