using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Akka.Configuration.Hocon;

namespace MultiTeacher.Configuration;

/// <summary>
/// Reads Akka's resolved HOCON tree (<see cref="HoconValue"/>): the kind of a value, a check that no substitution
/// leads back into itself, and a plain JSON copy for showing it. Akka keeps every scalar as text (a quoted
/// <c>"1"</c> and a bare <c>1</c> are the same), so the copy guesses types as <c>mt config show</c> prints them:
/// <c>true</c>/<c>false</c> are booleans, JSON numbers are numbers, <c>null</c> is null, the rest strings.
/// </summary>
internal static partial class ConfigTree
{
    public static ValueKind KindOf(HoconValue value)
    {
        if (value.IsObject())
        {
            return ValueKind.Object;
        }
        // An empty array is no array to Akka's IsArray (it counts elements), so look at the parts.
        if (value.Values.Any(IsArrayPart))
        {
            return ValueKind.Array;
        }
        return value.IsString() && value.GetString() is not null ? ValueKind.Text : ValueKind.Null;
    }

    /// <summary>
    /// The key path of the first value that contains itself through substitutions, or null when there is none.
    /// Akka resolves <c>${p}</c> to the final value of <c>p</c>, so <c>p = ${p} [x]</c> refers to itself, and its
    /// getters would recurse until the process dies of a stack overflow: check before reading anything.
    /// </summary>
    public static string? FindCycle(HoconValue root) =>
        FindCycle(root, [], new HashSet<HoconValue>(ReferenceEqualityComparer.Instance));

    /// <summary>The tree as JSON, keys in Akka's order.</summary>
    public static JsonNode? ToJson(HoconValue value) => KindOf(value) switch
    {
        ValueKind.Object => new JsonObject(value.GetObject().Items.Select(item => KeyValuePair.Create(item.Key, ToJson(item.Value)))),
        ValueKind.Array => new JsonArray([.. value.GetArray().Select(ToJson)]),
        ValueKind.Text => Scalar(value.GetString()),
        _ => null,
    };

    /// <summary>A scalar's text as JSON: a boolean, a number or a string.</summary>
    public static JsonNode Scalar(string text) => text switch
    {
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        _ when JsonNumber().IsMatch(text) => JsonNode.Parse(text)!,
        _ => JsonValue.Create(text),
    };

    private static bool IsArrayPart(IHoconElement element) => element switch
    {
        HoconArray => true,
        HoconSubstitution { ResolvedValue: { } resolved } => KindOf(resolved) == ValueKind.Array,
        _ => false,
    };

    private static string? FindCycle(HoconValue value, List<string> path, HashSet<HoconValue> open)
    {
        if (!open.Add(value))
        {
            return ConfigPath.Join(path);
        }
        foreach (var element in value.Values)
        {
            string? cycle = element switch
            {
                HoconObject obj => obj.Items.Select(item => FindCycleBelow(item.Value, path, item.Key, open)).FirstOrDefault(c => c is not null),
                HoconArray array => array.Select((item, i) => FindCycleBelow(item, path, i.ToString(System.Globalization.CultureInfo.InvariantCulture), open))
                    .FirstOrDefault(c => c is not null),
                HoconSubstitution { ResolvedValue: { } resolved } => FindCycle(resolved, path, open),
                _ => null,
            };
            if (cycle is not null)
            {
                return cycle;
            }
        }
        open.Remove(value);
        return null;
    }

    private static string? FindCycleBelow(HoconValue child, List<string> path, string key, HashSet<HoconValue> open)
    {
        path.Add(key);
        string? cycle = FindCycle(child, path, open);
        path.RemoveAt(path.Count - 1);
        return cycle;
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();
}
