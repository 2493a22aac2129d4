using System.Globalization;
using System.Net;

namespace MultiTeacher.Dashboard;

/// <summary>
/// Where the dashboard listens, parsed from <c>[HOST:]PORT</c>: <c>8080</c>, <c>0</c> (a free port),
/// <c>0.0.0.0:8080</c>, <c>localhost:0</c>. The host defaults to 127.0.0.1: the page is read-only but has no
/// authentication, so it is reachable from this machine only unless a host is given.
/// </summary>
/// <param name="Address">The address bound.</param>
/// <param name="Port">The port; 0 picks a free one.</param>
public sealed record DashboardEndpoint(IPAddress Address, int Port)
{
    /// <summary>Whether only this machine can reach the page.</summary>
    public bool IsLoopback => IPAddress.IsLoopback(Address);

    /// <summary>Parses <c>[HOST:]PORT</c>; a host is an IP address or <c>localhost</c>.</summary>
    /// <exception cref="FormatException">The text is not of that form; the message says what is wrong.</exception>
    public static DashboardEndpoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var colon = trimmed.LastIndexOf(':');
        var (hostText, portText) = colon < 0 ? ("127.0.0.1", trimmed) : (trimmed[..colon].Trim('[', ']'), trimmed[(colon + 1)..]);
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new FormatException($"--dashboard '{text}': the port must be a number from 0 to 65535 (0 picks a free port), as in 8080 or 127.0.0.1:8080");
        }

        IPAddress address;
        if (string.Equals(hostText, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(hostText, out address!))
        {
            throw new FormatException($"--dashboard '{text}': the host '{hostText}' is not an IP address or localhost");
        }

        return new DashboardEndpoint(address, port);
    }
}
