namespace MultiTeacher.Actors.Tests;

public sealed class PathTests
{
    [Fact]
    public void Parse_NestedPath_RoundTripsAndExposesElements()
    {
        var path = ActorPath.Parse("/user/teachers/cnn-a");

        Assert.Equal("/user/teachers/cnn-a", path.ToString());
        Assert.Equal(["user", "teachers", "cnn-a"], path.Elements);
        Assert.Equal("cnn-a", path.Name);
        Assert.Equal(ActorPath.Root / "user" / "teachers", path.Parent);
    }

    [Theory]
    [InlineData("user")]
    [InlineData("/user/a b")]
    [InlineData("/user/é")]
    public void Parse_InvalidPath_Throws(string text)
    {
        Assert.Throws<FormatException>(() => ActorPath.Parse(text));
    }

    [Theory]
    [InlineData("mt://sys/user/a", "sys", null, "/user/a")]
    [InlineData("mt://sys@node-1/user/a", "sys", "node-1", "/user/a")]
    [InlineData("mt://sys", "sys", null, "/")]
    public void ActorAddress_Parse_ReadsSystemNodeAndPath(string text, string system, string? node, string path)
    {
        var address = ActorAddress.Parse(text);

        Assert.Equal(new ActorAddress(system, node, ActorPath.Parse(path)), address);
        Assert.Equal(text.Length == "mt://sys".Length ? "mt://sys/" : text, address.ToString());
    }

    [Theory]
    [InlineData("http://sys/user/a")]
    [InlineData("mt:///user/a")]
    [InlineData("mt://sys@/user/a")]
    public void ActorAddress_ParseInvalid_Throws(string text)
    {
        Assert.Throws<FormatException>(() => ActorAddress.Parse(text));
    }
}
