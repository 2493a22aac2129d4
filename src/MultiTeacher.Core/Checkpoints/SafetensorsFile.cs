namespace MultiTeacher.Core.Checkpoints;

/// <summary>The contents of a safetensors file: its tensors in data order and its string metadata.</summary>
public sealed class SafetensorsFile
{
    private readonly Dictionary<string, SafetensorsTensor> _byName;

    /// <summary>Creates the contents; tensor names must be unique.</summary>
    public SafetensorsFile(string source, IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        _byName = new Dictionary<string, SafetensorsTensor>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            if (!_byName.TryAdd(tensor.Name, tensor))
            {
                throw new ArgumentException($"{source}: tensor name '{tensor.Name}' appears twice.", nameof(tensors));
            }
        }

        Source = source;
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The file the contents were read from.</summary>
    public string Source { get; }

    /// <summary>The tensors, in the order of their data in the file.</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    /// <summary>The <c>__metadata__</c> entries (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name; the message lists the names present.</exception>
    public SafetensorsTensor this[string name] => _byName.TryGetValue(name, out var tensor)
        ? tensor
        : throw new KeyNotFoundException($"{Source}: no tensor '{name}'; the file holds {string.Join(", ", Tensors.Select(t => t.ToString()))}.");

    /// <summary>Looks up a tensor by name.</summary>
    public bool TryGetTensor(string name, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out SafetensorsTensor tensor) =>
        _byName.TryGetValue(name, out tensor);
}
