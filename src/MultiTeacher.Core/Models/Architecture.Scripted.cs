using System.Globalization;

namespace MultiTeacher.Core.Models;

/// <summary>
/// The <c>file:</c> form of an architecture string: a student defined in PyTorch and saved as TorchScript,
/// <c>file:PATH[?classes=N&amp;input=CxHxW&amp;input-layout=flat]</c>. The module's file says what the layers are; the
/// options say what the data gives it (filled in from the data by <see cref="ForData"/>, so the text of a run's student
/// names them) and whether it takes each sample flattened (a module without its own Flatten).
/// </summary>
public sealed partial record Architecture
{
    /// <summary>The prefix of a student given as a TorchScript file instead of an architecture string.</summary>
    public const string ScriptedPrefix = "file:";

    /// <summary>The TorchScript file of a <see cref="ArchitectureKind.Scripted"/> architecture; null for the others.</summary>
    public string? ScriptPath => Kind == ArchitectureKind.Scripted ? ScriptedParts(Text).Path : null;

    /// <summary>Whether a scripted module takes each sample flattened, (B, features), rather than (B, sample shape...).</summary>
    public bool FlatInput => Kind == ArchitectureKind.Scripted && ScriptedParts(Text).Options.TryGetValue("input-layout", out var layout) && layout == "flat";

    /// <summary>Whether the input shape and class count are known (always for mlp and cnn; for a scripted module once the data gave them).</summary>
    public bool IsComplete => Classes > 0 && InputShape.Length > 0;

    /// <summary>
    /// <paramref name="text"/> with the file of a <c>file:</c> architecture made absolute against
    /// <paramref name="baseDirectory"/> (a configuration file's folder); any other architecture string as it is.
    /// </summary>
    public static string ResolveScriptPath(string text, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.StartsWith(ScriptedPrefix, StringComparison.Ordinal))
        {
            return text;
        }

        var rest = text[ScriptedPrefix.Length..];
        var query = rest.LastIndexOf('?');
        var path = query < 0 ? rest : rest[..query];
        return path.Length == 0 ? text : ScriptedPrefix + Path.GetFullPath(path, baseDirectory) + (query < 0 ? "" : rest[query..]);
    }

    private static Architecture ParseScripted(string text)
    {
        var (path, options) = ScriptedParts(text);
        if (path.Length == 0)
        {
            throw new ArchitectureException($"architecture '{text}' names no file: expected 'file:PATH' of a TorchScript module (torch.jit.save)");
        }

        var classes = 0;
        int[] input = [];
        foreach (var (key, value) in options)
        {
            switch (key)
            {
                case "classes" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out classes) && classes >= 2:
                    break;
                case "classes":
                    throw new ArchitectureException($"architecture '{text}': classes must be an integer of at least 2, got '{value}'");
                case "input":
                    input = ParseScriptedInput(text, value);
                    break;
                case "input-layout" when value is "flat" or "shaped":
                    break;
                case "input-layout":
                    throw new ArchitectureException($"architecture '{text}': input-layout must be 'flat' or 'shaped', got '{value}'");
                default:
                    throw new ArchitectureException($"architecture '{text}': unknown option '{key}' for file (known: classes, input, input-layout)");
            }
        }

        return new Architecture(text, ArchitectureKind.Scripted, [], 0f, input, classes);
    }

    /// <summary>A scripted student for this data: the class count and sample shape the text does not give are the data's.</summary>
    private static Architecture ScriptedForData(Architecture parsed, int[] sampleShape, int classes)
    {
        var (path, options) = ScriptedParts(parsed.Text);
        options.TryAdd("classes", classes.ToString(CultureInfo.InvariantCulture));
        options.TryAdd("input", string.Join("x", sampleShape));
        var ordered = new[] { "classes", "input", "input-layout" }.Where(options.ContainsKey).Select(k => $"{k}={options[k]}");
        return Parse($"{ScriptedPrefix}{path}?{string.Join("&", ordered)}");
    }

    private static (string Path, Dictionary<string, string> Options) ScriptedParts(string text)
    {
        var rest = text[ScriptedPrefix.Length..];
        var query = rest.LastIndexOf('?');
        return query < 0 ? (rest, new Dictionary<string, string>(StringComparer.Ordinal)) : (rest[..query], ParseOptions(text, rest[(query + 1)..]));
    }

    private static int[] ParseScriptedInput(string text, string value)
    {
        var parts = value.Split('x');
        var shape = new int[parts.Length];
        if (!parts.Select((p, i) => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]) && shape[i] > 0).All(ok => ok))
        {
            throw new ArchitectureException($"architecture '{text}': input must be the sample shape such as 1x28x28 or 784, got '{value}'");
        }

        return shape;
    }
}
