using System.Globalization;
using System.Text.RegularExpressions;

namespace MultiTeacher.Configuration.Hocon;

/// <summary>
/// Numbers as HOCON writes them. The text is kept as written (concatenation and <c>GetString</c> use it);
/// whole numbers that fit a <see cref="long"/> are integers, everything else is a double.
/// </summary>
internal static partial class HoconNumbers
{
    /// <summary>Whether <paramref name="text"/> is a number in the reference implementation's sense.</summary>
    public static bool IsNumber(string text) => NumberPattern().IsMatch(text);

    /// <summary>Whether <paramref name="text"/> may be written into JSON as it is.</summary>
    public static bool IsJsonNumber(string text) => JsonNumberPattern().IsMatch(text);

    /// <summary>The integer value of a number written without a fraction or exponent, when it fits a long.</summary>
    public static bool TryGetLong(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>The value of a number as a double.</summary>
    public static double GetDouble(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumberPattern();
}
