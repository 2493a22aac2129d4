using System.Globalization;

namespace MultiTeacher.Configuration.Hocon;

/// <summary>
/// Flattens a resolved tree into <c>Microsoft.Extensions.Configuration</c> keys: <c>a:b</c> for nested objects,
/// <c>a:0</c>, <c>a:1</c> for array elements (as the JSON provider does). Numbers keep their written form; null is the
/// empty string and an empty object or array is a key with a null value, as with the JSON provider.
/// </summary>
internal static class HoconConfigurationData
{
    public static Dictionary<string, string?> Flatten(HoconObjectNode root)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in root.Fields)
        {
            Add(data, key, value);
        }
        return data;
    }

    private static void Add(Dictionary<string, string?> data, string key, HoconNode node)
    {
        switch (node)
        {
            case HoconObjectNode obj:
                if (obj.Count == 0)
                {
                    data[key] = null;
                }
                foreach (var (child, value) in obj.Fields)
                {
                    Add(data, key + ":" + child, value);
                }
                break;
            case HoconArrayNode array:
                if (array.Items.Count == 0)
                {
                    data[key] = null;
                }
                for (int i = 0; i < array.Items.Count; i++)
                {
                    Add(data, key + ":" + i.ToString(CultureInfo.InvariantCulture), array.Items[i]);
                }
                break;
            case HoconScalarNode scalar:
                data[key] = scalar.Kind == HoconScalarKind.Null ? "" : scalar.Text;
                break;
            default:
                throw new InvalidOperationException($"cannot flatten unresolved {node.Describe()}");
        }
    }
}
