using System.Text;

namespace MultiTeacher.Configuration;

/// <summary>
/// Key paths as HOCON writes them: elements joined by dots, an element holding anything but letters, digits,
/// <c>-</c> and <c>_</c> in double quotes (<c>akka.actor.serialization-bindings."System.Object"</c>).
/// </summary>
public static class ConfigPath
{
    /// <summary>The elements of <paramref name="path"/>, or null when it is not a path (an empty element, an open quote).</summary>
    public static IReadOnlyList<string>? TrySplit(string path)
    {
        var elements = new List<string>();
        int i = 0;
        while (true)
        {
            string element;
            if (i < path.Length && path[i] == '"')
            {
                int close = path.IndexOf('"', i + 1);
                if (close < 0)
                {
                    return null;
                }
                element = path[(i + 1)..close];
                i = close + 1;
            }
            else
            {
                int dot = path.IndexOf('.', i);
                int end = dot < 0 ? path.Length : dot;
                element = path[i..end].Trim();
                if (element.Length == 0 || element.Contains('"', StringComparison.Ordinal))
                {
                    return null;
                }
                i = end;
            }
            elements.Add(element);
            if (i == path.Length)
            {
                return elements;
            }
            if (path[i] != '.' || i == path.Length - 1)
            {
                return null;
            }
            i++;
        }
    }

    /// <summary>The elements as one path, quoting those that need it.</summary>
    public static string Join(IEnumerable<string> elements) => string.Join('.', elements.Select(Quote));

    /// <summary><paramref name="key"/> (itself a path) below <paramref name="prefix"/>; the prefix may be empty.</summary>
    public static string Combine(string prefix, string key) => prefix.Length == 0 ? key : prefix + "." + key;

    /// <summary>One element, in double quotes unless it is made only of letters, digits, <c>-</c> and <c>_</c>.</summary>
    public static string Quote(string element) =>
        element.Length > 0 && element.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? element
            : QuoteAlways(element);

    /// <summary><paramref name="text"/> as a double-quoted HOCON (and JSON) string.</summary>
    public static string QuoteAlways(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return quoted.Append('"').ToString();
    }
}
