using System.Globalization;
using MultiTeacher.Configuration;

namespace MultiTeacher.Cluster;

/// <summary>
/// How a node reaches the broker and names what it declares there: section <c>multiteacher.cluster</c> of
/// <c>cluster.hocon</c> (see <see cref="FromConfig"/>).
/// </summary>
public sealed record ClusterSettings
{
    /// <summary>The configuration section read by <see cref="FromConfig"/>.</summary>
    public const string Section = "multiteacher.cluster";

    /// <summary>The environment variable that overrides <c>uri</c> when set.</summary>
    public const string UriEnvironmentVariable = "MT_RABBITMQ_URI";

    /// <summary>The broker, <c>amqp://user:pass@host:port/vhost</c> (<c>amqps://</c> for TLS).</summary>
    public Uri Uri { get; init; } = new("amqp://localhost:5672/");

    /// <summary>The user; overrides the URI's when not empty.</summary>
    public string User { get; init; } = "";

    /// <summary>The password; overrides the URI's when not empty.</summary>
    public string Password { get; init; } = "";

    /// <summary>Starts the name of every queue and exchange, so several clusters can share a broker.</summary>
    public string Prefix { get; init; } = "mt";

    /// <summary>The roles of this node (<c>teacher</c>, <c>aggregator</c>, <c>student</c>, <c>coordinator</c>).</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Unacknowledged deliveries per consumer (back-pressure).</summary>
    public ushort Prefetch { get; init; } = 4;

    /// <summary>How often a node publishes its heartbeat.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a node may stay silent before it is unreachable.</summary>
    public TimeSpan FailureTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A coordinator that sees no shard trained for this long stops the run (it can be resumed).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Payloads larger than this travel through the claim-check store, not the broker.</summary>
    public long ClaimCheckThreshold { get; init; } = 512 * 1024;

    /// <summary>Where <see cref="FileClaimCheckStore"/> writes large payloads (shared by all nodes); empty for a temporary directory.</summary>
    public string ClaimCheckDirectory { get; init; } = "";

    /// <summary>Messages larger than this (on the wire or behind a claim check) are dead-lettered.</summary>
    public long MaxMessageSize { get; init; } = 64L * 1024 * 1024;

    /// <summary>TLS towards the broker.</summary>
    public ClusterTlsSettings Tls { get; init; } = new();

    /// <summary>How many times the first connection is tried before <see cref="ClusterConnectionException"/>.</summary>
    public int ConnectAttempts { get; init; } = 5;

    /// <summary>The wait between two first-connection attempts.</summary>
    public TimeSpan ConnectRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a publish is retried (nack, lost connection) before it is given up and logged.</summary>
    public TimeSpan PublishRetryTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The user the client logs in as: <see cref="User"/>, else the URI's, else <c>guest</c>.</summary>
    public string EffectiveUser => User.Length > 0 ? User : UserInfo().User ?? "guest";

    /// <summary>The password the client logs in with: <see cref="Password"/>, else the URI's, else <c>guest</c>.</summary>
    public string EffectivePassword => Password.Length > 0 ? Password : UserInfo().Password ?? "guest";

    /// <summary>The broker's host and port, as error messages name it.</summary>
    public string Endpoint => $"{Uri.Host}:{(Uri.IsDefaultPort || Uri.Port < 0 ? (Uri.Scheme == "amqps" ? 5671 : 5672) : Uri.Port)}";

    /// <summary>
    /// Reads section <c>multiteacher.cluster</c>: <c>uri</c> (overridden by the environment variable
    /// <c>MT_RABBITMQ_URI</c>), <c>user</c>, <c>password</c>, <c>prefix</c>, <c>roles</c>, <c>prefetch</c>,
    /// <c>heartbeat-interval</c>, <c>failure-timeout</c>, <c>stall-timeout</c>, <c>claim-check-threshold</c>, <c>claim-check-dir</c>,
    /// <c>max-message-size</c>, <c>connect-attempts</c>, <c>tls { enabled, server-name, cert-path, cert-passphrase }</c>.
    /// Missing keys keep their defaults.
    /// </summary>
    /// <param name="config">The resolved configuration tree.</param>
    /// <param name="environment">Environment variables; <c>null</c> for those of this process.</param>
    /// <exception cref="HoconException">A value is malformed or out of range; the message names the key.</exception>
    public static ClusterSettings FromConfig(HoconConfig config, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var defaults = new ClusterSettings();
        var s = new Reader(config);
        var uriText = s.String("uri", defaults.Uri.ToString());
        var fromEnvironment = environment is null
            ? Environment.GetEnvironmentVariable(UriEnvironmentVariable)
            : environment.GetValueOrDefault(UriEnvironmentVariable);
        string uriKey = Key("uri");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            uriText = fromEnvironment;
            uriKey = UriEnvironmentVariable;
        }
        if (!System.Uri.TryCreate(uriText, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps") || uri.Host.Length == 0)
        {
            throw new HoconException($"'{uriKey}' is '{Mask(uriText)}', expected amqp://user:password@host:port/vhost (or amqps://)");
        }
        var prefix = s.String("prefix", defaults.Prefix);
        if (prefix.Length == 0 || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new HoconException($"'{Key("prefix")}' is '{prefix}', expected letters, digits, '-', '_' or '.'");
        }
        var prefetch = s.Long("prefetch", defaults.Prefetch);
        if (prefetch is < 1 or > ushort.MaxValue)
        {
            throw new HoconException($"'{Key("prefetch")}' is {prefetch}, expected 1 to {ushort.MaxValue}");
        }
        var settings = new ClusterSettings
        {
            Uri = uri,
            User = s.String("user", ""),
            Password = s.String("password", ""),
            Prefix = prefix,
            Roles = config.HasPath(Key("roles")) ? config.GetStringList(Key("roles")) : [],
            Prefetch = (ushort)prefetch,
            HeartbeatInterval = s.Positive("heartbeat-interval", defaults.HeartbeatInterval),
            FailureTimeout = s.Positive("failure-timeout", defaults.FailureTimeout),
            StallTimeout = s.Positive("stall-timeout", defaults.StallTimeout),
            ClaimCheckThreshold = s.Bytes("claim-check-threshold", defaults.ClaimCheckThreshold),
            ClaimCheckDirectory = s.String("claim-check-dir", ""),
            MaxMessageSize = s.Bytes("max-message-size", defaults.MaxMessageSize),
            ConnectAttempts = (int)s.Long("connect-attempts", defaults.ConnectAttempts),
            Tls = new ClusterTlsSettings(
                s.Boolean("tls.enabled", false),
                s.String("tls.server-name", ""),
                s.String("tls.cert-path", ""),
                s.String("tls.cert-passphrase", "")),
        };
        if (settings.FailureTimeout <= settings.HeartbeatInterval)
        {
            throw new HoconException($"'{Key("failure-timeout")}' ({settings.FailureTimeout}) must be longer than '{Key("heartbeat-interval")}' ({settings.HeartbeatInterval})");
        }
        if (settings.ConnectAttempts < 1)
        {
            throw new HoconException($"'{Key("connect-attempts")}' is {settings.ConnectAttempts}, expected at least 1");
        }
        return settings;
    }

    /// <summary>The settings without secrets, for logs.</summary>
    public override string ToString() =>
        $"{nameof(ClusterSettings)} {{ Uri = {Mask(Uri.ToString())}, User = {EffectiveUser}, Prefix = {Prefix}, Roles = [{string.Join(", ", Roles)}], Prefetch = {Prefetch} }}";

    internal static string Mask(string uri)
    {
        var at = uri.IndexOf('@', StringComparison.Ordinal);
        var scheme = uri.IndexOf("://", StringComparison.Ordinal);
        var colon = scheme < 0 || at < 0 ? -1 : uri.IndexOf(':', scheme + 3);
        return colon > 0 && colon < at ? uri[..(colon + 1)] + "***" + uri[at..] : uri;
    }

    private (string? User, string? Password) UserInfo()
    {
        if (Uri.UserInfo.Length == 0)
        {
            return (null, null);
        }
        var parts = Uri.UserInfo.Split(':', 2);
        return (System.Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? System.Uri.UnescapeDataString(parts[1]) : null);
    }

    private static string Key(string key) => $"{Section}.{key}";

    private readonly struct Reader(HoconConfig config)
    {
        public string String(string key, string fallback) => config.HasPath(Key(key)) ? config.GetString(Key(key)) : fallback;

        public long Long(string key, long fallback) => config.HasPath(Key(key)) ? config.GetLong(Key(key)) : fallback;

        public bool Boolean(string key, bool fallback) => config.HasPath(Key(key)) ? config.GetBoolean(Key(key)) : fallback;

        public TimeSpan Positive(string key, TimeSpan fallback)
        {
            var value = config.HasPath(Key(key)) ? config.GetDuration(Key(key)) : fallback;
            return value > TimeSpan.Zero ? value : throw new HoconException($"'{Key(key)}' is {value}, expected a positive duration");
        }

        public long Bytes(string key, long fallback)
        {
            var value = config.HasPath(Key(key)) ? config.GetBytes(Key(key)) : fallback;
            return value > 0 ? value : throw new HoconException($"'{Key(key)}' is {value.ToString(CultureInfo.InvariantCulture)} bytes, expected a positive size");
        }
    }
}
