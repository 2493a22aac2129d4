namespace MultiTeacher.Core.Models;

/// <summary>
/// All parameters of a model in one contiguous buffer, and their gradients in another of the same layout:
/// a checkpoint is one blob, an optimizer step is one loop, a broadcast is one buffer.
/// </summary>
public sealed class ParameterSet
{
    private readonly Dictionary<string, Parameter> _byName;

    /// <summary>Lays out the given parameters one after another.</summary>
    public ParameterSet(IEnumerable<(string Name, int[] Shape)> specs)
    {
        var list = new List<Parameter>();
        var offset = 0;
        foreach (var (name, shape) in specs)
        {
            var parameter = new Parameter(name, shape, offset);
            list.Add(parameter);
            offset += parameter.Length;
        }

        Parameters = list;
        _byName = list.ToDictionary(p => p.Name, StringComparer.Ordinal);
        Values = new float[offset];
        Gradients = new float[offset];
    }

    /// <summary>The parameters in layout order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Every parameter value.</summary>
    public float[] Values { get; }

    /// <summary>Every gradient, in the layout of <see cref="Values"/>.</summary>
    public float[] Gradients { get; }

    /// <summary>Total number of scalars.</summary>
    public int Count => Values.Length;

    /// <summary>The parameter called <paramref name="name"/>.</summary>
    public Parameter this[string name] => _byName.TryGetValue(name, out var p)
        ? p
        : throw new KeyNotFoundException($"no parameter '{name}'; the model has {string.Join(", ", _byName.Keys)}");

    /// <summary>Values of one parameter.</summary>
    public Span<float> Value(Parameter parameter) => Values.AsSpan(parameter.Offset, parameter.Length);

    /// <summary>Gradient of one parameter.</summary>
    public Span<float> Gradient(Parameter parameter) => Gradients.AsSpan(parameter.Offset, parameter.Length);

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGradients() => Array.Clear(Gradients);
}
