using Akka.Configuration;
using MultiTeacher.Dashboard.Server;

namespace MultiTeacher.Dashboard.Tests;

public sealed class LiveDashboardTests
{
    [Fact]
    public async Task Over_AConfigListingExtensions_KeepsThemAndAddsItsOwn()
    {
        await using var dashboard = await LiveDashboard.StartAsync(DashboardEndpoint.Parse("0"));
        var akka = ConfigurationFactory.ParseString("""akka.extensions = ["Some.Extension, Some.Assembly"]""");

        var extensions = dashboard.Over(akka).GetStringList("akka.extensions");

        Assert.Equal(2, extensions.Count);
        Assert.Equal("Some.Extension, Some.Assembly", extensions[0]);
        Assert.StartsWith(typeof(DashboardExtension).FullName!, extensions[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_PortInUse_FailsNamingTheAddress()
    {
        await using var first = await LiveDashboard.StartAsync(DashboardEndpoint.Parse("0"));

        var error = await Assert.ThrowsAsync<IOException>(() => LiveDashboard.StartAsync(DashboardEndpoint.Parse(first.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))));

        Assert.Contains($"cannot listen on 127.0.0.1:{first.Url.Port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warning_OnlyWhenBoundBeyondLoopback()
    {
        await using var loopback = await LiveDashboard.StartAsync(DashboardEndpoint.Parse("0"));
        await using var everywhere = await LiveDashboard.StartAsync(DashboardEndpoint.Parse("0.0.0.0:0"));

        Assert.Null(loopback.Warning);
        Assert.Contains("no authentication", everywhere.Warning, StringComparison.Ordinal);
    }
}
