using System.Text.RegularExpressions;
using MultiTeacher.Configuration.Hocon;

namespace MultiTeacher.Configuration;

/// <summary>
/// Hides secrets before a configuration is shown: every value under a key whose name contains <c>password</c>,
/// <c>secret</c> or <c>token</c> (any case), and the password of every URI written <c>scheme://user:password@host</c>.
/// </summary>
public static partial class HoconSecretMasker
{
    /// <summary>What a hidden value is replaced by.</summary>
    public const string Mask = "***";

    private static readonly string[] s_secretWords = ["password", "secret", "token"];

    /// <summary>A copy of <paramref name="config"/> with its secrets replaced by <see cref="Mask"/>; nulls stay null.</summary>
    public static HoconConfig MaskSecrets(HoconConfig config) => new((HoconObjectNode)MaskNode(config.Root, secret: false));

    /// <summary>Whether a key's name (one path element) marks its value as secret.</summary>
    public static bool IsSecretKey(string key) => s_secretWords.Any(w => key.Contains(w, StringComparison.OrdinalIgnoreCase));

    /// <summary>Replaces the password part of every <c>scheme://user:password@</c> in <paramref name="text"/>.</summary>
    public static string MaskUriPasswords(string text) => UriPassword().Replace(text, "${prefix}" + Mask + "@");

    private static HoconNode MaskNode(HoconNode node, bool secret)
    {
        switch (node)
        {
            case HoconObjectNode obj:
                var fields = new OrderedDictionary<string, HoconNode>(obj.Count, StringComparer.Ordinal);
                foreach (var (key, value) in obj.Fields)
                {
                    fields[key] = MaskNode(value, secret || IsSecretKey(key));
                }
                return new HoconObjectNode(fields, obj.Position);
            case HoconArrayNode array:
                return new HoconArrayNode([.. array.Items.Select(i => MaskNode(i, secret))], array.Position);
            case HoconScalarNode { Kind: not HoconScalarKind.Null } scalar when secret:
                return HoconScalarNode.String(Mask, scalar.Position);
            case HoconScalarNode { Kind: HoconScalarKind.String } scalar:
                string masked = MaskUriPasswords(scalar.Text);
                return masked == scalar.Text ? scalar : HoconScalarNode.String(masked, scalar.Position);
            default:
                return node;
        }
    }

    [GeneratedRegex(@"(?<prefix>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:)[^\s/@]+@", RegexOptions.CultureInvariant)]
    private static partial Regex UriPassword();
}
