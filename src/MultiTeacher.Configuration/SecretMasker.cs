using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MultiTeacher.Configuration;

/// <summary>
/// Hides secrets before a configuration is shown: every value under a key whose name holds <c>password</c>,
/// <c>passphrase</c>, <c>secret</c> or <c>token</c>, or names a private or API key (<c>private-key</c>,
/// <c>api_key</c>, <c>apikey</c>; any case), and the password of every URI written
/// <c>scheme://user:password@host</c>.
/// </summary>
public static partial class SecretMasker
{
    /// <summary>What a hidden value is replaced by.</summary>
    public const string Hidden = "***";

    private static readonly string[] s_secretWords = ["password", "passphrase", "secret", "token", "privatekey", "apikey"];

    /// <summary>A copy of <paramref name="tree"/> with its secrets replaced by <see cref="Hidden"/>; nulls stay null.</summary>
    public static JsonNode? Mask(JsonNode? tree) => Mask(tree, secret: false);

    /// <summary>Whether a key's name (one path element) marks its value as secret.</summary>
    public static bool IsSecretKey(string key)
    {
        string name = key.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        return s_secretWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Replaces the password part of every <c>scheme://user:password@</c> in <paramref name="text"/>.</summary>
    public static string MaskUriPasswords(string text) => UriPassword().Replace(text, "${prefix}" + Hidden + "@");

    private static JsonNode? Mask(JsonNode? node, bool secret) => node switch
    {
        null => null,
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Mask(p.Value, secret || IsSecretKey(p.Key))))),
        JsonArray array => new JsonArray([.. array.Select(item => Mask(item, secret))]),
        _ when secret => JsonValue.Create(Hidden),
        JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String =>
            JsonValue.Create(MaskUriPasswords(value.GetValue<string>())),
        _ => node.DeepClone(),
    };

    [GeneratedRegex(@"(?<prefix>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:)[^\s/@]+@", RegexOptions.CultureInvariant)]
    private static partial Regex UriPassword();
}
