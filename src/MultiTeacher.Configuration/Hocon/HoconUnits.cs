using System.Numerics;

namespace MultiTeacher.Configuration.Hocon;

/// <summary>
/// Durations and sizes in bytes written as a number and a unit (<c>200ms</c>, <c>5 s</c>, <c>512KiB</c>,
/// <c>10 MB</c>), with the reference implementation's units (HOCON.md, "Duration format", "Size in bytes format").
/// </summary>
internal static class HoconUnits
{
    private static readonly Dictionary<string, long> s_nanosPerDurationUnit = new(StringComparer.Ordinal)
    {
        [""] = 1_000_000, ["ms"] = 1_000_000, ["millis"] = 1_000_000, ["milliseconds"] = 1_000_000,
        ["ns"] = 1, ["nanos"] = 1, ["nanoseconds"] = 1,
        ["us"] = 1_000, ["micros"] = 1_000, ["microseconds"] = 1_000,
        ["s"] = 1_000_000_000, ["seconds"] = 1_000_000_000,
        ["m"] = 60_000_000_000, ["minutes"] = 60_000_000_000,
        ["h"] = 3_600_000_000_000, ["hours"] = 3_600_000_000_000,
        ["d"] = 86_400_000_000_000, ["days"] = 86_400_000_000_000,
    };

    private static readonly Dictionary<string, BigInteger> s_bytesPerSizeUnit = BuildSizeUnits();

    /// <summary>Parses a duration; a number without a unit is in milliseconds. TimeSpan keeps 100 ns: finer parts are dropped.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        var (number, unit) = Split(text);
        // As the reference implementation: singular names take an 's' ("second" is "seconds", "milli" is "millis").
        if (unit.Length > 2 && !unit.EndsWith('s'))
        {
            unit += "s";
        }
        if (number is null || !s_nanosPerDurationUnit.TryGetValue(unit, out long nanosPerUnit))
        {
            return null;
        }
        Int128 ticks;
        if (HoconNumbers.TryGetLong(number, out long whole))
        {
            ticks = (Int128)whole * nanosPerUnit / 100;
        }
        else
        {
            double value = HoconNumbers.GetDouble(number) * nanosPerUnit / 100;
            if (!double.IsFinite(value) || Math.Abs(value) >= long.MaxValue)
            {
                return null;
            }
            ticks = (Int128)value;
        }
        return ticks >= long.MinValue && ticks <= long.MaxValue ? TimeSpan.FromTicks((long)ticks) : null;
    }

    /// <summary>Parses a size in bytes; a number without a unit is in bytes. Fractions of a byte are dropped.</summary>
    public static long? ParseBytes(string text)
    {
        var (number, unit) = Split(text);
        if (number is null || !s_bytesPerSizeUnit.TryGetValue(unit, out var bytesPerUnit))
        {
            return null;
        }
        BigInteger bytes;
        if (HoconNumbers.TryGetLong(number, out long whole))
        {
            bytes = whole * bytesPerUnit;
        }
        else
        {
            double value = HoconNumbers.GetDouble(number) * (double)bytesPerUnit;
            if (!double.IsFinite(value))
            {
                return null;
            }
            bytes = new BigInteger(value);
        }
        return bytes >= long.MinValue && bytes <= long.MaxValue ? (long)bytes : null;
    }

    /// <summary>Splits "  12.5 MiB " into the number "12.5" and the unit "MiB" (letters at the end).</summary>
    private static (string? Number, string Unit) Split(string text)
    {
        string trimmed = text.Trim();
        int unitStart = trimmed.Length;
        while (unitStart > 0 && char.IsLetter(trimmed[unitStart - 1]))
        {
            unitStart--;
        }
        string number = trimmed[..unitStart].TrimEnd();
        return (HoconNumbers.IsNumber(number) ? number : null, trimmed[unitStart..]);
    }

    private static Dictionary<string, BigInteger> BuildSizeUnits()
    {
        var units = new Dictionary<string, BigInteger>(StringComparer.Ordinal)
        {
            [""] = 1, ["B"] = 1, ["b"] = 1, ["byte"] = 1, ["bytes"] = 1,
        };
        string[] decimalPrefixes = ["kilo", "mega", "giga", "tera", "peta", "exa", "zetta", "yotta"];
        string[] binaryPrefixes = ["kibi", "mebi", "gibi", "tebi", "pebi", "exbi", "zebi", "yobi"];
        for (int power = 1; power <= 8; power++)
        {
            var tenths = BigInteger.Pow(1000, power);
            string decimalPrefix = decimalPrefixes[power - 1];
            units[decimalPrefix + "byte"] = tenths;
            units[decimalPrefix + "bytes"] = tenths;
            string letter = decimalPrefix[..1];
            units[(power == 1 ? letter : letter.ToUpperInvariant()) + "B"] = tenths; // kB, MB, GB, ...

            var twos = BigInteger.Pow(1024, power);
            string binaryPrefix = binaryPrefixes[power - 1];
            units[binaryPrefix + "byte"] = twos;
            units[binaryPrefix + "bytes"] = twos;
            string upper = binaryPrefix[..1].ToUpperInvariant();
            units[binaryPrefix[..1]] = twos; // k, m, g, ...
            units[upper] = twos;             // K, M, G, ...
            units[upper + "i"] = twos;       // Ki, Mi, ...
            units[upper + "iB"] = twos;      // KiB, MiB, ...
        }
        return units;
    }
}
