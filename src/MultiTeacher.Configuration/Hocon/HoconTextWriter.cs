using System.Text;

namespace MultiTeacher.Configuration.Hocon;

/// <summary>
/// Writes a resolved tree as indented HOCON that parses back to the same tree: no root braces, <c>key = value</c>,
/// <c>key { ... }</c> for objects, strings always quoted, short arrays of simple values on one line.
/// </summary>
internal static class HoconTextWriter
{
    private const int Indent = 2;
    private const int MaxInlineArrayWidth = 80;

    public static string Write(HoconObjectNode root)
    {
        var sb = new StringBuilder();
        WriteFields(sb, root, 0);
        return sb.ToString();
    }

    private static void WriteFields(StringBuilder sb, HoconObjectNode obj, int depth)
    {
        foreach (var (key, value) in obj.Fields)
        {
            sb.Append(' ', depth * Indent).Append(Key(key));
            if (value is HoconObjectNode { Count: > 0 } child)
            {
                sb.Append(" {\n");
                WriteFields(sb, child, depth + 1);
                sb.Append(' ', depth * Indent).Append("}\n");
            }
            else
            {
                sb.Append(" = ");
                WriteValue(sb, value, depth);
                sb.Append('\n');
            }
        }
    }

    private static void WriteValue(StringBuilder sb, HoconNode node, int depth)
    {
        switch (node)
        {
            case HoconObjectNode { Count: 0 }:
                sb.Append("{}");
                break;
            case HoconObjectNode obj:
                sb.Append("{\n");
                WriteFields(sb, obj, depth + 1);
                sb.Append(' ', depth * Indent).Append('}');
                break;
            case HoconArrayNode array:
                WriteArray(sb, array, depth);
                break;
            case HoconScalarNode scalar:
                sb.Append(Scalar(scalar));
                break;
            default:
                throw new InvalidOperationException($"cannot write unresolved {node.Describe()}");
        }
    }

    private static void WriteArray(StringBuilder sb, HoconArrayNode array, int depth)
    {
        if (array.Items.All(i => i is HoconScalarNode))
        {
            string inline = "[" + string.Join(", ", array.Items.Select(i => Scalar((HoconScalarNode)i))) + "]";
            if (inline.Length <= MaxInlineArrayWidth)
            {
                sb.Append(inline);
                return;
            }
        }
        sb.Append("[\n");
        foreach (var item in array.Items)
        {
            sb.Append(' ', (depth + 1) * Indent);
            WriteValue(sb, item, depth + 1);
            sb.Append('\n');
        }
        sb.Append(' ', depth * Indent).Append(']');
    }

    private static string Key(string key) =>
        key != "include" && key.Length > 0 && (char.IsAsciiLetter(key[0]) || key[0] == '_')
            && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? key
            : Quote(key);

    private static string Scalar(HoconScalarNode scalar) => scalar.Kind == HoconScalarKind.String ? Quote(scalar.Text) : scalar.Text;

    /// <summary>A JSON string literal.</summary>
    public static string Quote(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case < ' ': sb.Append($"\\u{(int)c:x4}"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('"').ToString();
    }
}
