using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace MultiTeacher.Configuration;

/// <summary>
/// Calls Akka's HOCON parser (<see cref="Parser"/>) and makes its failures loud and placed. Akka 1.5.75 resolves
/// substitutions at the end of each parse against that text alone, gives a position only for an unknown token (as a
/// character index, turned here into <c>file:line:column</c>), loops forever on some malformed arrays, and silently
/// stops at a <c>}</c> that closes nothing. So the parse runs on its own thread with a deadline, and a marker key
/// written after the last source must come out at the root, or the text was not read to its end.
/// </summary>
internal static partial class AkkaHocon
{
    /// <summary>How long a parse may take; a configuration file parses in milliseconds.</summary>
    public static readonly TimeSpan ParseTimeout = TimeSpan.FromSeconds(5);

    private const string EndMarker = "multiteacher-configuration-end-of-text";

    /// <summary>
    /// Parses the sources as one document, each later one merged over the ones before it, so that substitutions in
    /// any of them see the merged values (as a file's do over a library's reference.conf).
    /// </summary>
    public static HoconValue Parse(IReadOnlyList<HoconSource> sources, IReadOnlyDictionary<string, string> environment)
    {
        var texts = sources.Select(s => s with { Text = EnvironmentSubstitutions.Apply(s.Text, s.Name, environment) }).ToList();
        var starts = new List<int>();
        var builder = new StringBuilder();
        foreach (var source in texts)
        {
            starts.Add(builder.Length);
            builder.Append(source.Text).Append('\n');
        }
        string document = builder.Append(EndMarker).Append(" = true\n").ToString();

        var last = texts[^1];
        var root = RunWithDeadline(last.Name, () => Parser.Parse(document, Includes(last.Directory, environment, [last.Name])).Value,
            exception => Describe(exception, document, texts, starts));

        var items = root.GetObject()?.Items ?? [];
        if (!items.Remove(EndMarker) && !StartsWithBrace(last.Text))
        {
            string? openObject = FindMarker(root, []);
            throw new InvalidConfigurationException(openObject is not null
                ? $"{last.Name}: the object {openObject} is never closed (a '}}' is missing)"
                : $"{last.Name}: a '}}' closes an object that was never opened; Akka's HOCON parser ignores everything after it");
        }
        CheckNoMisreadSyntax(root, [], last.Name);
        if (ConfigTree.FindCycle(root) is { } cycle)
        {
            throw new InvalidConfigurationException($"{last.Name}: {cycle} refers to itself through a substitution "
                + $"(Akka's HOCON resolves ${{{cycle}}} to the final value of {cycle}, so `{cycle} = ${{{cycle}}} ...` never ends)");
        }
        return root;
    }

    /// <summary>The include handler of Akka's parser: files relative to the including one, a missing one an error.</summary>
    private static Func<string, HoconRoot> Includes(string directory, IReadOnlyDictionary<string, string> environment, ImmutableStack<string> chain) =>
        name =>
        {
            string file = Path.GetFullPath(name, directory);
            string including = chain.Peek();
            if (!File.Exists(file))
            {
                throw new InvalidConfigurationException($"{including}: include \"{name}\": file {file} not found");
            }
            if (chain.Contains(file))
            {
                throw new InvalidConfigurationException($"{including}: include \"{name}\" includes itself again ({string.Join(" -> ", chain.Reverse().Append(file))})");
            }
            var source = new HoconSource(file, EnvironmentSubstitutions.Apply(File.ReadAllText(file), file, environment), Path.GetDirectoryName(file)!);
            try
            {
                return Parser.Parse(source.Text, Includes(source.Directory, environment, chain.Push(file)));
            }
            catch (Exception e) when (e is not InvalidConfigurationException && IsParserFailure(e))
            {
                throw Describe(e, source.Text, [source], [0]);
            }
        };

    private static HoconValue RunWithDeadline(string sourceName, Func<HoconValue> parse, Func<Exception, Exception> describe)
    {
        HoconValue? result = null;
        Exception? failure = null;
        // A background thread: when Akka's parser loops, the process can still exit; the thread cannot be stopped.
        var thread = new Thread(() =>
        {
            try
            {
                result = parse();
            }
            catch (Exception e) when (e is InvalidConfigurationException || IsParserFailure(e))
            {
                failure = e;
            }
        })
        { IsBackground = true, Name = "Akka HOCON parse" };
        thread.Start();
        if (!thread.Join(ParseTimeout))
        {
            throw new InvalidConfigurationException($"{sourceName}: Akka's HOCON parser did not finish within "
                + $"{ParseTimeout.TotalSeconds:0} s. Akka 1.5.75 loops forever on an array that holds an unquoted character "
                + "that cannot start a value (an unclosed '[' before a '}', or one of $ ? ! @ * & ^ ` \\ outside quotes); "
                + "put such values in double quotes");
        }
        return failure switch
        {
            null => result!,
            InvalidConfigurationException known => throw known,
            _ => throw describe(failure),
        };
    }

    /// <summary>The exceptions Akka's parser throws on malformed text (it has no exception type of its own for them).</summary>
    private static bool IsParserFailure(Exception e) =>
        e is FormatException or ConfigurationException or NotImplementedException or ArgumentException
            or InvalidOperationException or NullReferenceException or IndexOutOfRangeException
        || e.GetType() == typeof(Exception);

    /// <summary>Akka's message, placed: <c>file:line:column</c> for an unknown token, the file otherwise.</summary>
    private static InvalidConfigurationException Describe(Exception e, string document, IReadOnlyList<HoconSource> sources, IReadOnlyList<int> starts)
    {
        string first = e.Message.Split('\n')[0].Trim();
        var unknown = UnknownToken().Match(first);
        if (unknown.Success)
        {
            int index = int.Parse(unknown.Groups["index"].Value, CultureInfo.InvariantCulture);
            int s = starts.Count(start => start <= index) - 1;
            var (line, column) = LineAndColumn(sources[s].Text, index - starts[s]);
            string found = index < document.Length ? $"'{document[index]}'" : "the end of the text";
            return new InvalidConfigurationException($"{sources[s].Name}:{line}:{column}: unexpected {found} "
                + "(Akka's HOCON parser: Unknown token)", e);
        }
        string hint = first switch
        {
            _ when first.StartsWith("Unresolved substitution", StringComparison.Ordinal) =>
                " (no such key; Akka's HOCON reads ${...} from the configuration only, never from the environment: "
                + "write `key = ${?VARIABLE}` on its own line for an environment variable)",
            _ when first.StartsWith("Could not parse an unquoted text value", StringComparison.Ordinal) =>
                " (put text holding '=' or ':', such as a URI, in double quotes)",
            _ => "",
        };
        return new InvalidConfigurationException($"{sources[^1].Name}: {first}{hint}", e);
    }

    private static (int Line, int Column) LineAndColumn(string text, int index)
    {
        index = Math.Clamp(index, 0, text.Length);
        int lineStart = index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;
        int line = 1 + text.AsSpan(0, lineStart).Count('\n');
        return (line, index - lineStart + 1);
    }

    /// <summary>
    /// Akka's parser reads some syntax it does not know as keys instead of failing: <c>a += b</c> becomes a key
    /// <c>a +</c>, <c>include required("x")</c> a key <c>include required(</c>. Refuse them by name.
    /// </summary>
    private static void CheckNoMisreadSyntax(HoconValue value, List<string> path, string sourceName)
    {
        if (!value.Values.OfType<HoconObject>().Any())
        {
            return;
        }
        foreach (var (key, child) in value.GetObject().Items)
        {
            if (key.EndsWith('+'))
            {
                throw new InvalidConfigurationException($"{sourceName}: `{ConfigPath.Join(path.Append(key.TrimEnd('+').Trim()))} +=` is not understood by Akka's HOCON "
                    + "parser (it makes a key ending in '+'); write the whole array instead");
            }
            if (key.StartsWith("include ", StringComparison.Ordinal))
            {
                throw new InvalidConfigurationException($"{sourceName}: `{key.Trim()}...` is not understood by Akka's HOCON parser "
                    + "(it makes a key of it); write include \"file\"");
            }
            path.Add(key);
            CheckNoMisreadSyntax(child, path, sourceName);
            path.RemoveAt(path.Count - 1);
        }
    }

    /// <summary>Where the end marker ended up when it is not at the root: inside an object left open.</summary>
    private static string? FindMarker(HoconValue value, List<string> path)
    {
        if (!value.Values.OfType<HoconObject>().Any())
        {
            return null;
        }
        foreach (var (key, child) in value.GetObject().Items)
        {
            if (key == EndMarker)
            {
                return ConfigPath.Join(path);
            }
            path.Add(key);
            string? found = FindMarker(child, path);
            path.RemoveAt(path.Count - 1);
            if (found is not null)
            {
                return found;
            }
        }
        return null;
    }

    /// <summary>
    /// Whether the text is a braced root object (<c>{ ... }</c>, as JSON). Akka's parser ends the document at the
    /// root's closing brace, so nothing written after it, the end marker included, is read: the check is skipped.
    /// </summary>
    private static bool StartsWithBrace(string text) =>
        text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("//", StringComparison.Ordinal))
            ?.StartsWith('{') == true;

    [GeneratedRegex(@"^Unknown token at position (?<index>[0-9]+)", RegexOptions.CultureInvariant)]
    private static partial Regex UnknownToken();
}
