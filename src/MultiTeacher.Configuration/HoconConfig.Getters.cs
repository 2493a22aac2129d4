using MultiTeacher.Configuration.Hocon;

namespace MultiTeacher.Configuration;

public sealed partial class HoconConfig
{
    /// <summary>Whether <paramref name="path"/> has a value other than null.</summary>
    public bool HasPath(string path) => Find(path) is not (null or HoconScalarNode { Kind: HoconScalarKind.Null });

    /// <summary>A string; numbers and booleans convert to their text (a number as written).</summary>
    /// <exception cref="HoconException">The path is missing, null, an object or an array.</exception>
    public string GetString(string path) =>
        Require(path, "a string") is HoconScalarNode scalar ? scalar.Text : throw WrongType(path, "a string");

    /// <summary>A whole number that fits an <see cref="int"/>; a string holding one converts.</summary>
    /// <exception cref="HoconException">The path is missing or its value is not such a number.</exception>
    public int GetInt(string path)
    {
        long value = GetLong(path);
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw WrongType(path, "a whole number that fits 32 bits");
    }

    /// <summary>A whole number that fits a <see cref="long"/> (<c>1e3</c> counts); a string holding one converts.</summary>
    /// <exception cref="HoconException">The path is missing or its value is not such a number.</exception>
    public long GetLong(string path)
    {
        string text = NumberText(path, "a whole number");
        if (HoconNumbers.TryGetLong(text, out long whole))
        {
            return whole;
        }
        double value = HoconNumbers.GetDouble(text);
        return Math.Floor(value) == value && value >= long.MinValue && value < long.MaxValue
            ? (long)value
            : throw WrongType(path, "a whole number");
    }

    /// <summary>A number; a string holding one converts.</summary>
    /// <exception cref="HoconException">The path is missing or its value is not a number.</exception>
    public double GetDouble(string path) => HoconNumbers.GetDouble(NumberText(path, "a number"));

    /// <summary>A boolean; the strings true, yes, on, false, no and off convert (HOCON.md, "Automatic type conversions").</summary>
    /// <exception cref="HoconException">The path is missing or its value is not a boolean.</exception>
    public bool GetBoolean(string path) => Require(path, "a boolean") switch
    {
        HoconScalarNode { Kind: HoconScalarKind.Boolean } b => b.Text == "true",
        HoconScalarNode { Kind: HoconScalarKind.String, Text: "true" or "yes" or "on" } => true,
        HoconScalarNode { Kind: HoconScalarKind.String, Text: "false" or "no" or "off" } => false,
        _ => throw WrongType(path, "a boolean (true/false, yes/no, on/off)"),
    };

    /// <summary>
    /// A duration: a number is milliseconds; a string is a number and one of the units ns, us, ms, s, m, h, d (or
    /// their long forms: nanoseconds, micros, milliseconds, seconds, minute, hours, days, ...), as <c>200ms</c> or
    /// <c>1.5 hours</c>. Precision is that of <see cref="TimeSpan"/> (100 ns).
    /// </summary>
    /// <exception cref="HoconException">The path is missing or its value is not a duration.</exception>
    public TimeSpan GetDuration(string path)
    {
        const string Expected = "a duration such as 200ms, 5s, 1 minute (a plain number is milliseconds)";
        return Require(path, Expected) switch
        {
            HoconScalarNode { Kind: HoconScalarKind.Number or HoconScalarKind.String } scalar
                when HoconUnits.ParseDuration(scalar.Text) is { } duration => duration,
            _ => throw WrongType(path, Expected),
        };
    }

    /// <summary>
    /// A size in bytes: a number is bytes; a string is a number and a unit: B, kB/MB/GB/... (powers of 1000),
    /// K/KiB/M/MiB/G/GiB/... (powers of 1024), or the long forms (kilobytes, mebibytes, ...), as <c>512KiB</c>.
    /// </summary>
    /// <exception cref="HoconException">The path is missing or its value is not a size, or the size exceeds a long.</exception>
    public long GetBytes(string path)
    {
        const string Expected = "a size in bytes such as 512KiB, 10 MB, 1M (a plain number is bytes)";
        return Require(path, Expected) switch
        {
            HoconScalarNode { Kind: HoconScalarKind.Number or HoconScalarKind.String } scalar
                when HoconUnits.ParseBytes(scalar.Text) is { } bytes => bytes,
            _ => throw WrongType(path, Expected),
        };
    }

    /// <summary>An array of simple values, each converted to a string as <see cref="GetString"/> does.</summary>
    /// <exception cref="HoconException">The path is missing, not an array, or holds objects, arrays or nulls.</exception>
    public IReadOnlyList<string> GetStringList(string path)
    {
        if (Require(path, "an array of strings") is not HoconArrayNode array)
        {
            throw WrongType(path, "an array of strings");
        }
        return [.. array.Items.Select((item, i) => item is HoconScalarNode { Kind: not HoconScalarKind.Null } scalar
            ? scalar.Text
            : throw new HoconException(item.Position, $"element {i} of '{path}' is {item.Describe()}, expected a string"))];
    }

    /// <summary>The object at <paramref name="path"/> as a configuration of its own.</summary>
    /// <exception cref="HoconException">The path is missing or not an object.</exception>
    public HoconConfig GetConfig(string path) =>
        Require(path, "an object") is HoconObjectNode obj ? new HoconConfig(obj) : throw WrongType(path, "an object");

    /// <summary>The node at a path, or null when there is none.</summary>
    internal HoconNode? Find(string path)
    {
        HoconNode? node = Root;
        foreach (string key in HoconPath.Parse(path, "path").Elements)
        {
            node = (node as HoconObjectNode)?.Get(key);
        }
        return node;
    }

    private HoconNode Require(string path, string expected)
    {
        var node = Find(path) ?? throw new HoconException($"no value at '{path}' (expected {expected})");
        return node is HoconScalarNode { Kind: HoconScalarKind.Null }
            ? throw new HoconException(node.Position, $"'{path}' is null, expected {expected}")
            : node;
    }

    private string NumberText(string path, string expected) => Require(path, expected) switch
    {
        HoconScalarNode { Kind: HoconScalarKind.Number } number => number.Text,
        HoconScalarNode { Kind: HoconScalarKind.String } text when HoconNumbers.IsNumber(text.Text.Trim()) => text.Text.Trim(),
        _ => throw WrongType(path, expected),
    };

    private HoconException WrongType(string path, string expected)
    {
        var node = Find(path)!;
        return new HoconException(node.Position, $"'{path}' is {node.Describe()}, expected {expected}");
    }
}
