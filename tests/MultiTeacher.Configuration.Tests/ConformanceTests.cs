using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Configuration;

namespace MultiTeacher.Configuration.Tests;

/// <summary>
/// Lightbend's equivalence cases (Conformance/hocon, from lightbend/config's test resources) read by Akka's own
/// parser (<see cref="ConfigurationFactory.ParseString(string)"/>): in each folder every .conf and .json file should
/// give the tree of original.json. Akka keeps every scalar as text, so trees are compared as text (42 and "42" are
/// equal) and keys in any order; a null is a null. The cases Akka 1.5.75 gets wrong are listed in <see cref="KnownLimits"/> (and in the
/// README) and checked to still differ, so that an Akka upgrade that fixes one is noticed.
/// </summary>
public sealed class ConformanceTests
{
    private static readonly string s_root = Path.Combine(AppContext.BaseDirectory, "Conformance", "hocon");

    /// <summary>The cases Akka 1.5.75 reads to the expected tree.</summary>
    private static readonly string[] s_passing =
    [
        "equiv01/comments.conf", "equiv01/equals.conf", "equiv01/no-commas.conf", "equiv01/no-root-braces.conf",
        "equiv01/no-whitespace.json", "equiv01/original.json", "equiv01/path-keys.conf", "equiv01/unquoted.conf",
        "equiv02/original.json", "equiv02/path-keys-weird-whitespace.conf", "equiv02/path-keys.conf",
        "equiv04/original.json",
    ];

    /// <summary>The cases Akka 1.5.75 gets wrong, and how.</summary>
    private static readonly (string Case, string How)[] s_knownLimits =
    [
        ("equiv01/omit-colons.conf", "a ',' after an object whose key has no ':' or '=' is an unknown token"),
        ("equiv01/properties-style.conf", "a null reached through a substitution reads as \"\""),
        ("equiv01/substitutions.conf", "a null reached through a substitution reads as \"\""),
        ("equiv04/missing-substitutions.conf", "${?...} is not known: the tree refers to itself (or the parse never ends)"),
        ("equiv05/original.json", "strings lose their leading and trailing whitespace"),
        ("equiv05/triple-quotes.conf", "strings lose their leading and trailing whitespace; quotes next to \"\"\" end the string early"),
    ];

    public static TheoryData<string> Passing() => [.. s_passing];

    public static TheoryData<string, string> KnownLimits()
    {
        var data = new TheoryData<string, string>();
        foreach (var (file, how) in s_knownLimits)
        {
            data.Add(file, how);
        }
        return data;
    }

    [Fact]
    public void Cases_EveryFileOfTheFolder_IsListedOnce()
    {
        var files = Directory.GetFiles(s_root, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".conf", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(s_root, f)).Order(StringComparer.Ordinal);
        var listed = s_passing.Concat(s_knownLimits.Select(l => l.Case)).Order(StringComparer.Ordinal);

        Assert.Equal(files, listed);
    }

    [Theory]
    [MemberData(nameof(Passing))]
    public void ParseString_ConformanceFile_EqualsOriginalJson(string relativePath)
    {
        var (expected, actual) = ExpectedAndActual(relativePath);

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(KnownLimits))]
    public void ParseString_KnownLimit_StillDiffers(string relativePath, string how)
    {
        var (expected, actual) = ExpectedAndActual(relativePath);

        Assert.True(expected != actual, $"{relativePath} now reads as expected ({how} is fixed): move it to Passing and the README");
    }

    /// <summary>original.json and the case as Akka reads it, both as compact JSON with every scalar a string; the
    /// actual side is a description of the failure when Akka throws, loops or builds a tree that holds itself.</summary>
    private static (string Expected, string Actual) ExpectedAndActual(string relativePath)
    {
        string file = Path.Combine(s_root, relativePath);
        var expected = AsText(JsonNode.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(file)!, "original.json"))))!.ToJsonString();
        string actual = "";
        var parse = new Thread(() =>
        {
            try
            {
                var root = ConfigurationFactory.ParseString(File.ReadAllText(file)).Root;
                actual = ConfigTree.FindCycle(root) is { } cycle
                    ? $"the tree holds itself at {cycle}"
                    : AsText(ConfigTree.ToJson(root))!.ToJsonString();
            }
            catch (Exception e) when (e is FormatException or ConfigurationException)
            {
                actual = $"{e.GetType().Name}: {e.Message}";
            }
        })
        { IsBackground = true };
        parse.Start();
        return (expected, parse.Join(TimeSpan.FromSeconds(10)) ? actual : "the parse did not end");
    }

    private static JsonNode? AsText(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, AsText(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(AsText)]),
        _ => JsonValue.Create(node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString()),
    };
}
