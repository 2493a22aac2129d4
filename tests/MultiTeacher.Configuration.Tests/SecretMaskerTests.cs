using System.Text.Json.Nodes;

namespace MultiTeacher.Configuration.Tests;

public sealed class SecretMaskerTests
{
    private static string Masked(string json) => SecretMasker.Mask(JsonNode.Parse(json))!.ToJsonString();

    [Fact]
    public void Mask_KeysNamingSecrets_AreHiddenWhateverTheirCase() =>
        Assert.Equal(
            """
            {"db":{"password":"***","user":"admin"},"api":{"clientSecret":"***","AUTH_TOKEN":"***","api-key":"***","tokens":{"a":"***","b":["***"]}},"ssl":{"certificate":{"path":"cert.pfx","Passphrase":"***","private_key":"***"}},"unset-password":null}
            """,
            Masked("""
                {"db":{"password":"hunter2","user":"admin"},"api":{"clientSecret":"s3cr3t","AUTH_TOKEN":12345,"api-key":"k","tokens":{"a":"x","b":["y"]}},
                 "ssl":{"certificate":{"path":"cert.pfx","Passphrase":"p","private_key":"k"}},"unset-password":null}
                """));

    [Fact]
    public void Mask_UriWithPassword_KeepsUserAndHost() =>
        Assert.Equal(
            """{"uri":"amqp://mt:***@broker:5672/vhost","nodes":["amqps://u:***@a:5671","amqp://nopassword@b","amqp://c"],"note":"see http://user:***@example.com/x and https://example.com"}""",
            Masked("""
                {"uri":"amqp://mt:guest@broker:5672/vhost","nodes":["amqps://u:p@a:5671","amqp://nopassword@b","amqp://c"],"note":"see http://user:pw@example.com/x and https://example.com"}
                """));

    [Fact]
    public void Mask_NothingSecret_LeavesTheTreeAlone()
    {
        string json = """{"a":1,"b":{"c":[true,null,"x"]}}""";

        Assert.Equal(json, Masked(json));
    }

    [Theory]
    [InlineData("password", true)]
    [InlineData("dbPassword", true)]
    [InlineData("client_secret", true)]
    [InlineData("token", true)]
    [InlineData("passphrase", true)]
    [InlineData("private-key", true)]
    [InlineData("user", false)]
    [InlineData("pass", false)]
    [InlineData("keys", false)]
    public void IsSecretKey_KeyName_NamesASecret(string key, bool secret) =>
        Assert.Equal(secret, SecretMasker.IsSecretKey(key));
}
