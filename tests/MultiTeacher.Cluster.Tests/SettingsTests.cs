using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using MultiTeacher.Configuration;

namespace MultiTeacher.Cluster.Tests;

public sealed class SettingsTests
{
    private static readonly Dictionary<string, string> s_noEnvironment = [];

    [Fact]
    public void FromConfig_AllKeys_Read()
    {
        var config = HoconConfig.Parse("""
            multiteacher.cluster {
              uri = "amqp://u:p@broker.example:5673/v"
              password = "secret"
              prefix = run1
              roles = [teacher, student]
              prefetch = 8
              heartbeat-interval = 500ms
              failure-timeout = 3s
              claim-check-threshold = 1MiB
              claim-check-dir = /tmp/cc
              max-message-size = 10MiB
              tls { enabled = true, server-name = broker.example }
            }
            """);

        var settings = ClusterSettings.FromConfig(config, s_noEnvironment);

        Assert.Equal("broker.example:5673", settings.Endpoint);
        Assert.Equal(("u", "secret"), (settings.EffectiveUser, settings.EffectivePassword));
        Assert.Equal("run1", settings.Prefix);
        Assert.Equal(["teacher", "student"], settings.Roles);
        Assert.Equal(8, settings.Prefetch);
        Assert.Equal(TimeSpan.FromMilliseconds(500), settings.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.FailureTimeout);
        Assert.Equal(1 << 20, settings.ClaimCheckThreshold);
        Assert.Equal("/tmp/cc", settings.ClaimCheckDirectory);
        Assert.Equal(10 << 20, settings.MaxMessageSize);
        Assert.Equal(new ClusterTlsSettings(true, "broker.example"), settings.Tls);
        Assert.DoesNotContain("secret", settings.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfig_Defaults_MatchReferenceConf()
    {
        var settings = ClusterSettings.FromConfig(MultiTeacherConfiguration.LoadDefaults(s_noEnvironment), s_noEnvironment);

        Assert.Equal(new ClusterSettings { Uri = settings.Uri }, settings with { Roles = [] });
        Assert.Equal("localhost:5672", settings.Endpoint);
        Assert.Equal(4, settings.Prefetch);
        Assert.Equal(512 * 1024, settings.ClaimCheckThreshold);
    }

    [Fact]
    public void FromConfig_EnvironmentUri_OverridesFile()
    {
        var config = HoconConfig.Parse("multiteacher.cluster.uri = \"amqp://a:b@file-host/\"");

        var settings = ClusterSettings.FromConfig(config, new Dictionary<string, string> { ["MT_RABBITMQ_URI"] = "amqp://c:d@env-host:1234/" });

        Assert.Equal(("env-host:1234", "c"), (settings.Endpoint, settings.EffectiveUser));
    }

    [Theory]
    [InlineData("prefetch = 0", "'multiteacher.cluster.prefetch' is 0")]
    [InlineData("uri = \"http://x:secret@h/\"", "'multiteacher.cluster.uri' is 'http://x:***@h/'")]
    [InlineData("heartbeat-interval = soon", "multiteacher.cluster.heartbeat-interval")]
    [InlineData("max-message-size = 0", "'multiteacher.cluster.max-message-size' is 0 bytes")]
    [InlineData("prefix = \"a b\"", "'multiteacher.cluster.prefix' is 'a b'")]
    [InlineData("failure-timeout = 1s\nheartbeat-interval = 2s", "'multiteacher.cluster.failure-timeout' (00:00:01) must be longer")]
    public void FromConfig_BadValue_ErrorNamesKey(string line, string expected)
    {
        var config = HoconConfig.Parse($"multiteacher.cluster {{\n{line}\n}}");

        var error = Assert.Throws<HoconException>(() => ClusterSettings.FromConfig(config, s_noEnvironment));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registry_NoIdFunction_IdIsSha256OfManifestAndPayload()
    {
        var registry = TestSerializers.Create();
        var buffer = new ArrayBufferWriter<byte>();
        var manifest = registry.Serialize(new Done(1, "x"), buffer);

        var id = registry.MessageId(new Done(1, "x"), manifest, buffer.WrittenSpan);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("test.Done1|x"))), id);
        Assert.Equal("job/7", registry.MessageId(new Job(7, "t"), "test.Job", []));
    }

    [Fact]
    public void Registry_UnknownManifestOrType_NotSupported()
    {
        var registry = TestSerializers.Create();

        Assert.Throws<NotSupportedException>(() => registry.Deserialize("nope", []));
        Assert.Throws<NotSupportedException>(() => registry.Serialize("a string", new ArrayBufferWriter<byte>()));
        Assert.Equal("multiteacher.cluster.Heartbeat", registry.Serialize(new Wire.Heartbeat { NodeId = "n" }, new ArrayBufferWriter<byte>()));
    }
}
