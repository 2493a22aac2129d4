using System.Text.Encodings.Web;
using System.Text.Json;

namespace MultiTeacher.Configuration.Hocon;

/// <summary>Writes a resolved tree as JSON. Numbers keep their written form when it is valid JSON.</summary>
internal static class HoconJsonWriter
{
    public static string Write(HoconNode node, bool indented)
    {
        using var stream = new MemoryStream();
        var options = new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var writer = new Utf8JsonWriter(stream, options))
        {
            WriteNode(writer, node);
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteNode(Utf8JsonWriter writer, HoconNode node)
    {
        switch (node)
        {
            case HoconObjectNode obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.Fields)
                {
                    writer.WritePropertyName(key);
                    WriteNode(writer, value);
                }
                writer.WriteEndObject();
                break;
            case HoconArrayNode array:
                writer.WriteStartArray();
                foreach (var item in array.Items)
                {
                    WriteNode(writer, item);
                }
                writer.WriteEndArray();
                break;
            case HoconScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                throw new InvalidOperationException($"cannot write unresolved {node.Describe()} as JSON");
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, HoconScalarNode scalar)
    {
        switch (scalar.Kind)
        {
            case HoconScalarKind.String:
                writer.WriteStringValue(scalar.Text);
                break;
            case HoconScalarKind.Boolean:
                writer.WriteBooleanValue(scalar.Text == "true");
                break;
            case HoconScalarKind.Null:
                writer.WriteNullValue();
                break;
            case HoconScalarKind.Number when HoconNumbers.IsJsonNumber(scalar.Text):
                writer.WriteRawValue(scalar.Text, skipInputValidation: true);
                break;
            case HoconScalarKind.Number when HoconNumbers.TryGetLong(scalar.Text, out long whole):
                writer.WriteNumberValue(whole);
                break;
            default:
                writer.WriteNumberValue(HoconNumbers.GetDouble(scalar.Text));
                break;
        }
    }
}
