using System.Net;

namespace MultiTeacher.Dashboard.Tests;

public sealed class DashboardEndpointTests
{
    [Theory]
    [InlineData("8080", "127.0.0.1", 8080, true)]
    [InlineData("0", "127.0.0.1", 0, true)]
    [InlineData("localhost:9000", "127.0.0.1", 9000, true)]
    [InlineData("0.0.0.0:8080", "0.0.0.0", 8080, false)]
    [InlineData("[::1]:8080", "::1", 8080, true)]
    [InlineData("192.168.1.5:80", "192.168.1.5", 80, false)]
    public void Parse_HostAndPort_GivesTheAddressToBind(string text, string address, int port, bool loopback)
    {
        var endpoint = DashboardEndpoint.Parse(text);

        Assert.Equal(IPAddress.Parse(address), endpoint.Address);
        Assert.Equal(port, endpoint.Port);
        Assert.Equal(loopback, endpoint.IsLoopback);
    }

    [Theory]
    [InlineData("", "the port must be a number")]
    [InlineData("http", "the port must be a number")]
    [InlineData("70000", "the port must be a number")]
    [InlineData("-1", "the port must be a number")]
    [InlineData("example.org:80", "the host 'example.org' is not an IP address or localhost")]
    public void Parse_BadText_NamesTheProblem(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => DashboardEndpoint.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
