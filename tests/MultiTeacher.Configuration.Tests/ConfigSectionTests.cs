using System.Globalization;
using static MultiTeacher.Configuration.Tests.TestConfig;

namespace MultiTeacher.Configuration.Tests;

/// <summary>Typed reads: Akka's conversions, and one message shape for every missing or unreadable value.</summary>
public sealed class ConfigSectionTests : IDisposable
{
    private readonly TestConfig _config = new();

    public void Dispose() => _config.Dispose();

    private ConfigSection Root(string text) => _config.Load(text).Root;

    [Fact]
    public void GetInt_Text_NamesTheFullPathTheValueAndTheFile()
    {
        var distill = _config.Load("multiteacher.distill.epochs = ten").Section("multiteacher.distill");

        var e = Assert.Throws<InvalidConfigurationException>(() => distill.GetInt("epochs"));

        Assert.Equal($"multiteacher.distill.epochs: expected an integer, got \"ten\" ({_config.Folder}/cluster.hocon)", e.Message);
    }

    [Fact]
    public void GetInt_FromAnOverride_NamesTheOverride()
    {
        var loaded = _config.Load("", ["multiteacher.distill.batch=big"], Env(("MT_MULTITEACHER__DISTILL__EPOCHS", "many")));
        var distill = loaded.Section("multiteacher.distill");

        Assert.Equal("multiteacher.distill.batch: expected an integer, got \"big\" (--set multiteacher.distill.batch)",
            Assert.Throws<InvalidConfigurationException>(() => distill.GetInt("batch")).Message);
        Assert.Equal("multiteacher.distill.epochs: expected an integer, got \"many\" (environment variable MT_MULTITEACHER__DISTILL__EPOCHS)",
            Assert.Throws<InvalidConfigurationException>(() => distill.GetInt("epochs")).Message);
    }

    [Theory]
    [InlineData("a = 1", "GetString", "x", "x: missing (expected a string)")]
    [InlineData("a { b = 1 }", "GetString", "a", "a: expected a string, got an object")]
    [InlineData("a = [1]", "GetInt", "a", "a: expected an integer, got an array")]
    [InlineData("a = null", "GetInt", "a", "a: expected an integer, got null")]
    [InlineData("a = 1.5", "GetLong", "a", "a: expected an integer, got \"1.5\"")]
    [InlineData("a = 3000000000", "GetInt", "a", "a: expected an integer, got \"3000000000\"")]
    [InlineData("a = half", "GetDouble", "a", "a: expected a number, got \"half\"")]
    [InlineData("a = yes", "GetBoolean", "a", "a: expected a boolean (true, false, on or off), got \"yes\"")]
    [InlineData("a = 5 parsecs", "GetDuration", "a", "a: expected a duration such as 200ms, 30s or 2 minutes, got \"5 parsecs\"")]
    [InlineData("a = 1KB", "GetBytes", "a", "a: expected a size such as 128000b, 512KiB or 8MiB, got \"1KB\"")]
    [InlineData("a = 1", "Section", "a", "a: expected an object, got \"1\"")]
    public void Read_WrongOrMissingValue_SaysWhatAndWhere(string text, string read, string key, string message)
    {
        var root = Root(text);
        var method = typeof(ConfigSection).GetMethod(read, [typeof(string)])!;

        var e = Assert.Throws<InvalidConfigurationException>(() =>
        {
            try
            {
                method.Invoke(root, [key]);
            }
            catch (System.Reflection.TargetInvocationException wrapper) when (wrapper.InnerException is not null)
            {
                throw wrapper.InnerException;
            }
        });

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetScalars_AkkasConversions_Apply()
    {
        var root = Root("i = 42\nneg = -7\nq = \"17\"\nd = 2.5\ne = 1e-3\non = on\nf = false\ns = \"  padded  \"");

        Assert.Equal((42, -7, 17, 2.5, 0.001), (root.GetInt("i"), root.GetInt("neg"), root.GetInt("q"), root.GetDouble("d"), root.GetDouble("e")));
        Assert.Equal((true, false, "padded"), (root.GetBoolean("on"), root.GetBoolean("f"), root.GetString("s")));
    }

    [Theory]
    [InlineData("200ms", 200)]
    [InlineData("200", 200)]
    [InlineData("5s", 5_000)]
    [InlineData("5 seconds", 5_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2m", 120_000)]
    [InlineData("1 minute", 60_000)]
    [InlineData("3h", 10_800_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("250 micros", 0.25)]
    [InlineData("1000000ns", 1)]
    public void GetDuration_NumberAndUnit_ReadsAsAkkaDoes(string value, double milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Root("a = " + value).GetDuration("a"));

    [Theory]
    [InlineData("-1s")]
    [InlineData("infinite")]
    [InlineData("5 sec")]
    [InlineData("250us")]
    public void GetDuration_NegativeInfiniteOrUnknownUnit_Fails(string value) =>
        Assert.Throws<InvalidConfigurationException>(() => Root("a = " + value).GetDuration("a"));

    [Theory]
    [InlineData("100", 100L)]
    [InlineData("128000b", 128_000L)]
    [InlineData("5 bytes", 5L)]
    [InlineData("1kB", 1_000L)]
    [InlineData("10 MB", 10_000_000L)]
    [InlineData("1K", 1_024L)]
    [InlineData("512KiB", 524_288L)]
    [InlineData("8MiB", 8_388_608L)]
    [InlineData("1 GiB", 1_073_741_824L)]
    [InlineData("1 EiB", 1_152_921_504_606_846_976L)]
    public void GetBytes_NumberAndUnit_ReadsAsAkkaDoes(string value, long bytes) =>
        Assert.Equal(bytes, Root("a = " + value).GetBytes("a"));

    [Theory]
    [InlineData("1.5K")]
    [InlineData("1 kb")]
    [InlineData("lots")]
    public void GetBytes_FractionOrUnknownUnit_Fails(string value) =>
        Assert.Throws<InvalidConfigurationException>(() => Root("a = " + value).GetBytes("a"));

    [Fact]
    public void GetStringList_ArrayOrCommaSeparatedText_GivesTheItems()
    {
        var root = Root("l = [a, 1, true, \"x y\"]\nc = \"a, b\"\nb = \"[1,2]\"\ne = []");

        Assert.Equal(["a", "1", "true", "x y"], root.GetStringList("l"));
        Assert.Equal(["a", "b"], root.GetStringList("c"));
        Assert.Equal([1, 2], root.GetList("b", "integers", t => int.Parse(t, CultureInfo.InvariantCulture)));
        Assert.Empty(root.GetStringList("e"));
    }

    [Fact]
    public void GetList_ItemThatDoesNotParse_NamesTheList() =>
        Assert.StartsWith("l: expected an array of integers, got an array",
            Assert.Throws<InvalidConfigurationException>(() => Root("l = [1, x]").GetList("l", "integers", t => int.Parse(t, CultureInfo.InvariantCulture))).Message,
            StringComparison.Ordinal);

    [Fact]
    public void Get_CallersFormat_FailsWithTheSameMessageShape()
    {
        var root = Root("mode = sideways");

        var e = Assert.Throws<InvalidConfigurationException>(() => root.Get("mode", "up or down", t => t is "up" or "down" ? t : throw new FormatException()));

        Assert.StartsWith("mode: expected up or down, got \"sideways\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HasValue_PresentMissingAndNull_TrueOnlyForValues()
    {
        var root = Root("a { b = 1 }\nn = null\n\"x.y\" = 2");

        Assert.True(root.HasValue("a") && root.HasValue("a.b") && root.HasValue("\"x.y\""));
        Assert.False(root.HasValue("x.y") || root.HasValue("a.c") || root.HasValue("a.b.c") || root.HasValue("n"));
    }

    [Fact]
    public void Section_Nested_PrefixesThePathOfItsKeys()
    {
        var section = Root("multiteacher { nested { x = oops } }").Section("multiteacher").Section("nested");

        Assert.Equal("multiteacher.nested", section.Path);
        Assert.StartsWith("multiteacher.nested.x: expected an integer",
            Assert.Throws<InvalidConfigurationException>(() => section.GetInt("x")).Message, StringComparison.Ordinal);
    }
}
