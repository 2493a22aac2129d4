using System.Text.RegularExpressions;

namespace MultiTeacher.Configuration;

/// <summary>
/// Gives <c>${?NAME}</c> its HOCON meaning before Akka reads a text, because Akka's parser (1.5.75) does not know the
/// optional form: on <c>${?</c> it either loops forever or builds a tree that contains itself. A field whose whole
/// value is <c>${?NAME}</c>, alone on its line (<c>uri = ${?MT_RABBITMQ_URI}</c>, a comma or comment may follow), is
/// rewritten: to the variable's value as a quoted string when NAME is set and not empty, otherwise to an empty line,
/// so the field keeps what was written before it (or the built-in default). Lines keep their numbers. Any other
/// <c>${?</c> outside quotes and comments is refused with its <c>file:line:column</c>.
/// </summary>
/// <remarks>
/// NAME is read from the environment only: Akka's HOCON does not look up environment variables itself, and an
/// optional reference to another key has no use here. <c>${path}</c> (without <c>?</c>) stays Akka's: a key path.
/// </remarks>
internal static partial class EnvironmentSubstitutions
{
    public static string Apply(string text, string sourceName, IReadOnlyDictionary<string, string> environment)
    {
        if (!text.Contains("${?", StringComparison.Ordinal))
        {
            return text;
        }
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var field = WholeValue().Match(lines[i]);
            if (field.Success)
            {
                lines[i] = environment.TryGetValue(field.Groups["name"].Value, out string? value) && value.Length > 0
                    ? field.Groups["head"].Value + ConfigPath.QuoteAlways(value) + field.Groups["tail"].Value
                    : "";
                continue;
            }
            int column = UnquotedOptionalSubstitution(lines[i]);
            if (column >= 0)
            {
                throw new InvalidConfigurationException($"{sourceName}:{i + 1}:{column + 1}: ${{?...}} is read only as the whole "
                    + "value of a key on its own line, such as `uri = ${?MT_RABBITMQ_URI}` (Akka's HOCON parser does not know ${?...})");
            }
        }
        return string.Join('\n', lines);
    }

    /// <summary>The index of a <c>${?</c> that is neither in double quotes nor in a comment, or -1.</summary>
    private static int UnquotedOptionalSubstitution(string line)
    {
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '\\' && quoted)
            {
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && (c == '#' || string.CompareOrdinal(line, i, "//", 0, 2) == 0))
            {
                return -1;
            }
            else if (!quoted && string.CompareOrdinal(line, i, "${?", 0, 3) == 0)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>A line <c>key = ${?NAME}</c> (or <c>:</c>), then perhaps a comma and a comment.</summary>
    [GeneratedRegex("""^(?<head>[ \t]*(?:"[^"\\\n]*"|[^\s=:#{}\[\],$"])+[ \t]*[=:][ \t]*)\$\{\?(?<name>[^}\s]+)\}(?<tail>[ \t]*,?[ \t]*(?:(?:#|//).*)?\r?)$""",
        RegexOptions.CultureInvariant)]
    private static partial Regex WholeValue();
}
