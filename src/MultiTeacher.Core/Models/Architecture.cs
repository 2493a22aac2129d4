using System.Globalization;

namespace MultiTeacher.Core.Models;

/// <summary>The family of an architecture string.</summary>
public enum ArchitectureKind
{
    /// <summary><c>mlp:784-1200-1200-10[?dropout=p]</c>: dense layers with ReLU between them.</summary>
    Mlp,

    /// <summary><c>cnn:C1-C2-H[?classes=n&amp;input=CxHxW]</c>: two 3×3 convolutions with pooling, then two dense layers; 1×28×28 inputs unless <c>input</c> says.</summary>
    Cnn,

    /// <summary><c>file:PATH[?classes=n&amp;input=CxHxW&amp;input-layout=flat]</c>: a TorchScript module defined in PyTorch (see <see cref="ScriptedModule"/>).</summary>
    Scripted,
}

/// <summary>
/// A parsed architecture string. <c>mlp:784-1200-1200-10</c> is Dense, ReLU, Dense, ReLU, Dense (with
/// <c>?dropout=0.2</c>, a Dropout after each hidden ReLU); <c>cnn:32-64-128</c> is Conv2d(1→32, 3×3), ReLU, MaxPool 2,
/// Conv2d(32→64, 3×3), ReLU, MaxPool 2, Flatten, Dense(1600→128), ReLU, Dense(128→10).
/// </summary>
public sealed partial record Architecture(string Text, ArchitectureKind Kind, int[] Sizes, float Dropout, int[] InputShape, int Classes)
{
    private const string Expected = "expected 'mlp:IN-H1-...-OUT[?dropout=p]', 'cnn:C1-C2-HIDDEN[?classes=N&input=CxHxW]' or 'file:MODULE.pt' (TorchScript)";

    /// <summary>Number of input features per sample.</summary>
    public int InputSize => ShapeText.Product(InputShape);

    /// <summary>
    /// Multiply-adds of one sample's forward pass through the dense and convolution layers: the work that decides
    /// whether a step is worth more than one thread.
    /// </summary>
    public long MultiplyAddsPerSample
    {
        get
        {
            if (Kind == ArchitectureKind.Scripted)
            {
                return 0; // not read from a scripted module's graph; TrainingStep counts its parameters instead
            }

            if (Kind == ArchitectureKind.Mlp)
            {
                return Enumerable.Range(0, Sizes.Length - 1).Sum(i => (long)Sizes[i] * Sizes[i + 1]);
            }

            var (c1, c2, hidden) = ((long)Sizes[0], (long)Sizes[1], (long)Sizes[2]);
            long side = InputShape[1] - 2; // after the first 3×3 convolution
            var conv1 = side * side * c1 * InputShape[0] * 9;
            side = (side / 2) - 2; // pooled, then the second convolution
            var conv2 = side * side * c2 * c1 * 9;
            side /= 2;
            return conv1 + conv2 + (side * side * c2 * hidden) + (hidden * Classes);
        }
    }

    /// <summary>Parses an architecture string; throws <see cref="ArchitectureException"/> naming the problem.</summary>
    public static Architecture Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith(ScriptedPrefix, StringComparison.Ordinal))
        {
            return ParseScripted(text);
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new ArchitectureException($"architecture '{text}' has no kind: {Expected}");
        }

        var kind = text[..colon];
        var rest = text[(colon + 1)..];
        var query = rest.IndexOf('?', StringComparison.Ordinal);
        var sizesText = query < 0 ? rest : rest[..query];
        var options = ParseOptions(text, query < 0 ? "" : rest[(query + 1)..]);
        var sizes = ParseSizes(text, sizesText);

        return kind switch
        {
            "mlp" => Mlp(text, sizes, options),
            "cnn" => Cnn(text, sizes, options),
            _ => throw new ArchitectureException($"architecture '{text}' has unknown kind '{kind}': {Expected}"),
        };
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>
    /// The architecture of <paramref name="text"/> for samples of <paramref name="sampleShape"/> in
    /// <paramref name="classes"/> classes: a cnn that does not name its input shape and class count takes them from the
    /// data (its text then names them, e.g. <c>cnn:32-64-128?classes=5&amp;input=3x32x32</c>); an mlp is as written.
    /// </summary>
    /// <exception cref="ArchitectureException">The data's samples cannot be a cnn's input (not C×H×W, not square, smaller than 10×10).</exception>
    public static Architecture ForData(string text, int[] sampleShape, int classes)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        var parsed = Parse(text);
        if (parsed.Kind == ArchitectureKind.Scripted)
        {
            return ScriptedForData(parsed, sampleShape, classes);
        }

        if (parsed.Kind != ArchitectureKind.Cnn || (parsed.InputShape.AsSpan().SequenceEqual(sampleShape) && parsed.Classes == classes))
        {
            return parsed;
        }

        var query = text.IndexOf('?', StringComparison.Ordinal);
        var options = query < 0 ? "" : text[(query + 1)..];
        var given = options.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(o => o.Split('=')[0]).ToHashSet(StringComparer.Ordinal);
        var added = new List<string>();
        if (!given.Contains("classes"))
        {
            added.Add(string.Create(CultureInfo.InvariantCulture, $"classes={classes}"));
        }

        if (!given.Contains("input"))
        {
            if (sampleShape.Length != 3)
            {
                throw new ArchitectureException(
                    $"architecture '{text}': a cnn takes samples of shape (channels, height, width); the data's samples have shape ({string.Join(", ", sampleShape)})");
            }

            added.Add("input=" + string.Join("x", sampleShape));
        }

        return added.Count == 0 ? parsed : Parse(text + (query < 0 ? "?" : "&") + string.Join("&", added));
    }

    private static Architecture Mlp(string text, int[] sizes, Dictionary<string, string> options)
    {
        if (sizes.Length < 2)
        {
            throw new ArchitectureException($"architecture '{text}': an mlp needs at least an input and an output size, {Expected}");
        }

        var dropout = 0f;
        foreach (var (key, value) in options)
        {
            if (key != "dropout")
            {
                throw new ArchitectureException($"architecture '{text}': unknown option '{key}' for mlp (known: dropout)");
            }

            if (!float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out dropout) || !(dropout >= 0 && dropout < 1))
            {
                throw new ArchitectureException($"architecture '{text}': dropout must be a number in [0, 1), got '{value}'");
            }
        }

        return new Architecture(text, ArchitectureKind.Mlp, sizes, dropout, [sizes[0]], sizes[^1]);
    }

    private static Architecture Cnn(string text, int[] sizes, Dictionary<string, string> options)
    {
        if (sizes.Length != 3)
        {
            throw new ArchitectureException($"architecture '{text}': a cnn has exactly three sizes (two channel counts and a hidden size), got {sizes.Length}");
        }

        var classes = 10;
        int[] input = [1, 28, 28];
        foreach (var (key, value) in options)
        {
            if (key == "input")
            {
                input = ParseInput(text, value);
                continue;
            }

            if (key != "classes")
            {
                throw new ArchitectureException($"architecture '{text}': unknown option '{key}' for cnn (known: classes, input)");
            }

            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out classes) || classes < 2)
            {
                throw new ArchitectureException($"architecture '{text}': classes must be an integer of at least 2, got '{value}'");
            }
        }

        return new Architecture(text, ArchitectureKind.Cnn, sizes, 0f, input, classes);
    }

    /// <summary>A cnn's input shape <c>CxHxW</c>: square (as the layers are built), at least 10×10 so two conv-pool stages leave a pixel.</summary>
    private static int[] ParseInput(string text, string value)
    {
        var parts = value.Split('x');
        var shape = new int[parts.Length];
        if (parts.Length != 3 || !parts.Select((p, i) => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]) && shape[i] > 0).All(ok => ok))
        {
            throw new ArchitectureException($"architecture '{text}': input must be CxHxW such as 3x32x32, got '{value}'");
        }

        if (shape[1] != shape[2] || shape[1] < 10)
        {
            throw new ArchitectureException(
                $"architecture '{text}': a cnn takes square images of at least 10x10 (two 3x3 convolutions, each followed by 2x2 pooling), got {shape[1]}x{shape[2]}");
        }

        return shape;
    }

    private static int[] ParseSizes(string text, string sizesText)
    {
        var parts = sizesText.Split('-');
        var sizes = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] <= 0)
            {
                throw new ArchitectureException($"architecture '{text}': size '{parts[i]}' is not a positive integer");
            }
        }

        return sizes;
    }

    private static Dictionary<string, string> ParseOptions(string text, string query)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArchitectureException($"architecture '{text}': option '{pair}' is not of the form key=value");
            }

            options[pair[..eq]] = pair[(eq + 1)..];
        }

        return options;
    }
}
