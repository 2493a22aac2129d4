using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MultiTeacher.Configuration;

/// <summary>Writes a configuration tree (as <see cref="ConfigTree.ToJson"/> gives it) as indented JSON or HOCON.</summary>
public static class ConfigRenderer
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Indented JSON, two spaces a level.</summary>
    public static string ToJson(JsonNode? tree) => tree?.ToJsonString(s_indented) ?? "null";

    /// <summary>
    /// Indented HOCON: one key a line, objects as blocks, arrays and scalars as JSON (which HOCON reads), keys quoted
    /// when they hold more than letters, digits, <c>-</c> and <c>_</c>. Akka's parser reads it back to the same tree.
    /// </summary>
    public static string ToHocon(JsonNode? tree)
    {
        var text = new StringBuilder();
        if (tree is JsonObject root)
        {
            WriteFields(text, root, 0);
        }
        return text.ToString();
    }

    private static void WriteFields(StringBuilder text, JsonObject obj, int depth)
    {
        string indent = new(' ', depth * 2);
        foreach (var (key, value) in obj)
        {
            text.Append(indent).Append(ConfigPath.Quote(key));
            if (value is JsonObject { Count: > 0 } child)
            {
                text.Append(" {\n");
                WriteFields(text, child, depth + 1);
                text.Append(indent).Append("}\n");
            }
            else
            {
                text.Append(" = ").Append(Inline(value)).Append('\n');
            }
        }
    }

    private static string Inline(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject { Count: 0 } => "{}",
        JsonArray array => "[" + string.Join(", ", array.Select(Inline)) + "]",
        _ => value.ToJsonString(s_compact),
    };
}
