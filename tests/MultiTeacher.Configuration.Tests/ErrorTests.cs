using static MultiTeacher.Configuration.Tests.TestHocon;

namespace MultiTeacher.Configuration.Tests;

/// <summary>Malformed input fails with file:line:column, what was found and what was expected.</summary>
public sealed class ErrorTests
{
    [Theory]
    [InlineData("a {\n  b = 1\n", 3, 1, "end of file", "'}' closing the object opened at test.conf:1:3")]
    [InlineData("a = [1,,2]", 1, 8, "','", "a value or ']' (a comma may only follow an element)")]
    [InlineData("a = [,1]", 1, 6, "','", "a value or ']' (a comma may only follow an element)")]
    [InlineData("a = 1,,\nb = 2", 1, 7, "','", "a key (a comma may only follow a field)")]
    [InlineData("a = 1\n}", 2, 1, "'}'", "a key or end of file (this '}' has no matching '{')")]
    [InlineData("a\nb = 1", 2, 1, "'b'", "':', '=', '+=' or '{' after the key a")]
    [InlineData("a = ", 1, 5, "end of file", "a value")]
    [InlineData("a = [1, 2", 1, 10, "end of file", "']' closing the array opened at test.conf:1:5")]
    [InlineData("a = 1 b = 2", 1, 9, "'='", "',' or a newline after a field")]
    [InlineData("a = @home", 1, 5, "the reserved character '@'", "a value or key (put text holding that character in quotes)")]
    [InlineData("a..b = 1", 1, 1, "the path 'a..b' with an empty element", "a path without leading, trailing or doubled dots (quote an empty element: a.\"\".b)")]
    [InlineData(".a = 1", 1, 1, "the path '.a' with an empty element", "a path without leading, trailing or doubled dots (quote an empty element: a.\"\".b)")]
    [InlineData("${a} = 1", 1, 1, "the substitution ${a}", "a key (substitutions are not allowed in keys)")]
    [InlineData("[1, 2]", 1, 1, "an array at the root", "an object (the root of a configuration is an object)")]
    [InlineData("{ a = 1 }\nb = 2", 2, 1, "'b'", "end of file after the root object")]
    [InlineData("a = \"abc", 1, 9, "end of file", "a closing '\"' for the string started at test.conf:1:5")]
    [InlineData("a = \"ab\ncd\"", 2, 1, "a newline inside a quoted string", "an escape such as \\n or \\t (or a \"\"\"triple-quoted\"\"\" string)")]
    [InlineData("a = \"\\q\"", 1, 7, "the escape '\\q'", "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")]
    [InlineData("a = \"\\u12g4\"", 1, 10, "'\\u12'", "four hexadecimal digits after \\u")]
    [InlineData("a = \"\"\"abc", 1, 11, "end of file", "'\"\"\"' closing the string started at test.conf:1:5")]
    [InlineData("a = ${b", 1, 8, "end of file", "'}' to close the substitution started at test.conf:1:5")]
    [InlineData("a = ${}", 1, 5, "an empty substitution", "a path inside ${...}")]
    [InlineData("a = 1+2", 1, 5, "'1+2'", "a number (a '+' is reserved outside quotes)")]
    public void Parse_MalformedText_ReportsPositionFoundAndExpected(string text, int line, int column, string found, string expected)
    {
        var e = Assert.Throws<HoconParseException>(() => Parse(text));

        Assert.Equal(("test.conf", line, column), (e.File, e.Line, e.Column));
        Assert.Equal((found, expected), (e.Found, e.Expected));
        Assert.Equal($"test.conf:{line}:{column}: found {found}, expected {expected}", e.Message);
    }

    [Fact]
    public void Load_MalformedFile_NamesTheFile()
    {
        using var dir = new TempDirectory();
        string file = dir.Write("bad.conf", "ok = 1\nbroken = [\n");

        var e = Assert.Throws<HoconParseException>(() => HoconConfig.Load(file));

        Assert.StartsWith($"{file}:3:1: found end of file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_Fails()
    {
        var e = Assert.Throws<HoconException>(() => HoconConfig.Load("/nonexistent/cluster.hocon"));

        Assert.Equal("configuration file '/nonexistent/cluster.hocon' not found", e.Message);
    }

    [Fact]
    public void Resolve_UnresolvedSubstitution_NamesThePathAndPlace()
    {
        var e = Assert.Throws<HoconResolveException>(() => Parse("a = 1\nsection {\n  b = ${missing.key}\n}"));

        Assert.Equal("missing.key", e.Path);
        Assert.Equal(("test.conf", 3, 7), (e.File, e.Line, e.Column));
        Assert.Equal("test.conf:3:7: cannot resolve substitution ${missing.key}: no such key in the configuration, "
            + "and no environment variable of that name", e.Message);
    }

    [Fact]
    public void Resolve_SelfReferenceWithoutEarlierValue_SaysSo()
    {
        var e = Assert.Throws<HoconResolveException>(() => Parse("foo : ${foo}"));

        Assert.Equal("test.conf:1:7: cannot resolve substitution ${foo}: it refers to the field it defines (foo), "
            + "which has no earlier value", e.Message);
    }

    [Fact]
    public void Resolve_TwoKeyCycle_NamesTheKeys()
    {
        var e = Assert.Throws<HoconResolveException>(() => Parse("bar : ${foo}\nfoo : ${bar}"));

        Assert.Equal(["bar", "foo", "bar"], e.Cycle);
        Assert.StartsWith("test.conf:2:7: substitution cycle: bar -> foo -> bar", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ThreeKeyCycle_NamesTheKeys()
    {
        var e = Assert.Throws<HoconResolveException>(() => Parse("a : ${b}\nb : ${c}\nc : ${a}"));

        Assert.Equal(["a", "b", "c", "a"], e.Cycle);
        Assert.Contains("substitution cycle: a -> b -> c -> a", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NestedCycle_NamesFullPaths()
    {
        var e = Assert.Throws<HoconResolveException>(() => Parse("x { a = ${y.b} }\ny { b = ${x.a} }"));

        Assert.Equal(["x.a", "y.b", "x.a"], e.Cycle);
    }

    [Theory]
    [InlineData("a : { b : ${a} }", new[] { "a", "a.b", "a" })]
    [InlineData("a : [ ${a} ]", new[] { "a", "a[0]", "a" })]
    public void Resolve_ValueContainingItsOwnField_IsACycle(string text, string[] cycle) =>
        Assert.Equal(cycle, Assert.Throws<HoconResolveException>(() => Parse(text)).Cycle);

    [Fact]
    public void Resolve_OptionalSubstitutionsInACycle_Vanish() =>
        Assert.Equal("{}", Json("a = ${?b}\nb = ${?a}"));

    [Theory]
    [InlineData("a = 1", "GetString", "x", "no value at 'x' (expected a string)")]
    [InlineData("a = null", "GetInt", "a", "test.conf:1:5: 'a' is null, expected a whole number")]
    [InlineData("a = abc", "GetInt", "a", "test.conf:1:5: 'a' is the string \"abc\", expected a whole number")]
    [InlineData("a = 1.5", "GetLong", "a", "test.conf:1:5: 'a' is the number 1.5, expected a whole number")]
    [InlineData("a = 3000000000", "GetInt", "a", "test.conf:1:5: 'a' is the number 3000000000, expected a whole number that fits 32 bits")]
    [InlineData("a { b = 1 }", "GetString", "a", "test.conf:1:3: 'a' is an object, expected a string")]
    [InlineData("a = maybe", "GetBoolean", "a", "test.conf:1:5: 'a' is the string \"maybe\", expected a boolean (true/false, yes/no, on/off)")]
    [InlineData("a = 5 parsecs", "GetDuration", "a", "test.conf:1:5: 'a' is the string \"5 parsecs\", expected a duration such as 200ms, 5s, 1 minute (a plain number is milliseconds)")]
    [InlineData("a = 1KB", "GetBytes", "a", "test.conf:1:5: 'a' is the string \"1KB\", expected a size in bytes such as 512KiB, 10 MB, 1M (a plain number is bytes)")]
    [InlineData("a = [1, {}]", "GetStringList", "a", "test.conf:1:9: element 1 of 'a' is an object, expected a string")]
    [InlineData("a = 1", "GetConfig", "a", "test.conf:1:5: 'a' is the number 1, expected an object")]
    public void Getter_WrongOrMissingValue_SaysWhereAndWhat(string text, string getter, string path, string message)
    {
        var config = Parse(text);
        var method = typeof(HoconConfig).GetMethod(getter)!;

        var e = Assert.Throws<HoconException>(() =>
        {
            try
            {
                method.Invoke(config, [path]);
            }
            catch (System.Reflection.TargetInvocationException wrapper) when (wrapper.InnerException is not null)
            {
                throw wrapper.InnerException;
            }
        });

        Assert.Equal(message, e.Message);
    }
}
