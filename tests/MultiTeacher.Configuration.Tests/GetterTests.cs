using static MultiTeacher.Configuration.Tests.TestHocon;

namespace MultiTeacher.Configuration.Tests;

/// <summary>Typed getters, with the reference implementation's conversions and units.</summary>
public sealed class GetterTests
{
    [Fact]
    public void GetString_NumbersAndBooleans_ConvertToTheirWrittenText()
    {
        var config = Parse("a = 1.0\nb = 1e5\nc = true\nd = text");

        Assert.Equal(["1.0", "1e5", "true", "text"], new[] { "a", "b", "c", "d" }.Select(config.GetString));
    }

    [Fact]
    public void GetNumbers_NumbersAndNumericStrings_Convert()
    {
        var config = Parse("i = 42\ns = \"17\"\ne = 1e3\nd = \"2.5\"\nneg = -7");

        Assert.Equal((42, 17, 1000L, 2.5, -7), (config.GetInt("i"), config.GetInt("s"), config.GetLong("e"), config.GetDouble("d"), config.GetInt("neg")));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("yes", true)]
    [InlineData("on", true)]
    [InlineData("\"true\"", true)]
    [InlineData("false", false)]
    [InlineData("no", false)]
    [InlineData("off", false)]
    public void GetBoolean_TheSixBooleanWords_Convert(string value, bool expected) =>
        Assert.Equal(expected, Parse("a = " + value).GetBoolean("a"));

    [Theory]
    [InlineData("200ms", 200_000_0L)]
    [InlineData("200", 200_000_0L)]
    [InlineData("\"200\"", 200_000_0L)]
    [InlineData("5s", 50_000_000L)]
    [InlineData("5 seconds", 50_000_000L)]
    [InlineData("1 second", 10_000_000L)]
    [InlineData("1 minute", 600_000_000L)]
    [InlineData("2m", 1_200_000_000L)]
    [InlineData("3h", 108_000_000_000L)]
    [InlineData("1d", 864_000_000_000L)]
    [InlineData("2 days", 1_728_000_000_000L)]
    [InlineData("1.5s", 15_000_000L)]
    [InlineData("100us", 1_000L)]
    [InlineData("250 micros", 2_500L)]
    [InlineData("1000ns", 10L)]
    [InlineData("10 millis", 100_000L)]
    [InlineData("-1s", -10_000_000L)]
    public void GetDuration_NumberAndUnit_ParsesLikeTheReference(string value, long ticks) =>
        Assert.Equal(TimeSpan.FromTicks(ticks), Parse("a = " + value).GetDuration("a"));

    [Theory]
    [InlineData("5 parsecs")]
    [InlineData("5 sec")]
    [InlineData("5S")]
    [InlineData("ms")]
    [InlineData("true")]
    public void GetDuration_UnknownUnitOrNoNumber_Fails(string value) =>
        Assert.Throws<HoconException>(() => Parse("a = " + value).GetDuration("a"));

    [Theory]
    [InlineData("100", 100L)]
    [InlineData("5 b", 5L)]
    [InlineData("5B", 5L)]
    [InlineData("3 bytes", 3L)]
    [InlineData("1kB", 1_000L)]
    [InlineData("10 MB", 10_000_000L)]
    [InlineData("2 megabytes", 2_000_000L)]
    [InlineData("1GB", 1_000_000_000L)]
    [InlineData("1K", 1_024L)]
    [InlineData("1k", 1_024L)]
    [InlineData("512KiB", 524_288L)]
    [InlineData("2Ki", 2_048L)]
    [InlineData("2 kibibytes", 2_048L)]
    [InlineData("1M", 1_048_576L)]
    [InlineData("1m", 1_048_576L)]
    [InlineData("1 MiB", 1_048_576L)]
    [InlineData("1 GiB", 1_073_741_824L)]
    [InlineData("1 gigabyte", 1_000_000_000L)]
    [InlineData("1T", 1_099_511_627_776L)]
    [InlineData("1.5K", 1_536L)]
    [InlineData("1 EiB", 1_152_921_504_606_846_976L)]
    public void GetBytes_NumberAndUnit_ParsesLikeTheReference(string value, long bytes) =>
        Assert.Equal(bytes, Parse("a = " + value).GetBytes("a"));

    [Theory]
    [InlineData("1KB")]
    [InlineData("1 kb")]
    [InlineData("1 Kib")]
    [InlineData("8 ZiB")]
    public void GetBytes_UnknownUnitOrOutOfRange_Fails(string value) =>
        Assert.Throws<HoconException>(() => Parse("a = " + value).GetBytes("a"));

    [Fact]
    public void GetStringList_SimpleValues_ConvertToStrings() =>
        Assert.Equal(["a", "1", "true", "x y"], Parse("l = [a, 1, true, x y]").GetStringList("l"));

    [Fact]
    public void GetConfig_Object_IsAConfigurationOfItsOwn()
    {
        var section = Parse("multiteacher { threads = 4, nested { x = 1 } }").GetConfig("multiteacher");

        Assert.Equal((4, 1), (section.GetInt("threads"), section.GetInt("nested.x")));
    }

    [Fact]
    public void HasPath_PresentMissingAndNull_TrueOnlyForValues()
    {
        var config = Parse("a { b = 1 }\nn = null\n\"x.y\" = 2");

        Assert.True(config.HasPath("a"));
        Assert.True(config.HasPath("a.b"));
        Assert.True(config.HasPath("\"x.y\""));
        Assert.False(config.HasPath("x.y"));
        Assert.False(config.HasPath("a.c"));
        Assert.False(config.HasPath("a.b.c"));
        Assert.False(config.HasPath("n"));
    }
}
