using static MultiTeacher.Configuration.Tests.TestHocon;

namespace MultiTeacher.Configuration.Tests;

public sealed class SecretMaskerTests
{
    [Fact]
    public void MaskSecrets_KeysNamingSecrets_AreMaskedWhateverTheirCase()
    {
        var masked = HoconSecretMasker.MaskSecrets(Parse("""
            db { password = hunter2, user = admin }
            api { clientSecret = s3cr3t, AUTH_TOKEN = 12345, tokens { a = x, b = [y] } }
            unset-password = null
            """));

        Assert.Equal("""
            {"db":{"password":"***","user":"admin"},"api":{"clientSecret":"***","AUTH_TOKEN":"***","tokens":{"a":"***","b":["***"]}},"unset-password":null}
            """.Trim(), masked.ToJson(indented: false));
    }

    [Fact]
    public void MaskSecrets_UriWithPassword_KeepsUserAndHost()
    {
        var masked = HoconSecretMasker.MaskSecrets(Parse("""
            rabbitmq.uri = "amqp://mt:guest@broker:5672/vhost"
            nodes = ["amqps://u:p@a:5671", "amqp://nopassword@b", "amqp://c"]
            note = "see http://user:pw@example.com/x and https://example.com"
            """));

        Assert.Equal("amqp://mt:***@broker:5672/vhost", masked.GetString("rabbitmq.uri"));
        Assert.Equal(["amqps://u:***@a:5671", "amqp://nopassword@b", "amqp://c"], masked.GetStringList("nodes"));
        Assert.Equal("see http://user:***@example.com/x and https://example.com", masked.GetString("note"));
    }

    [Fact]
    public void MaskSecrets_NothingSecret_LeavesTheTreeAlone()
    {
        string text = "a = 1\nb { c = [true, null, \"x\"] }";

        Assert.Equal(Json(text), HoconSecretMasker.MaskSecrets(Parse(text)).ToJson(indented: false));
    }

    [Theory]
    [InlineData("password", true)]
    [InlineData("dbPassword", true)]
    [InlineData("client_secret", true)]
    [InlineData("token", true)]
    [InlineData("user", false)]
    [InlineData("pass", false)]
    public void IsSecretKey_KeyName_ContainsASecretWord(string key, bool secret) =>
        Assert.Equal(secret, HoconSecretMasker.IsSecretKey(key));
}
