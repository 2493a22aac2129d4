namespace MultiTeacher.Configuration.Hocon;

/// <summary>An object: fields in the order they were first defined.</summary>
internal sealed class HoconObjectNode : HoconNode
{
    private readonly OrderedDictionary<string, HoconNode> _fields;

    /// <summary>Wraps <paramref name="fields"/>, which the caller must not change afterwards.</summary>
    public HoconObjectNode(OrderedDictionary<string, HoconNode> fields, SourcePosition position) : base(position)
    {
        _fields = fields;
    }

    public int Count => _fields.Count;

    public IEnumerable<KeyValuePair<string, HoconNode>> Fields => _fields;

    public HoconNode? Get(string key) => _fields.TryGetValue(key, out var value) ? value : null;

    /// <summary>A copy with <paramref name="key"/> set to <paramref name="value"/> (no merging).</summary>
    public HoconObjectNode With(string key, HoconNode value)
    {
        var fields = new OrderedDictionary<string, HoconNode>(_fields, StringComparer.Ordinal);
        fields[key] = value;
        return new HoconObjectNode(fields, Position);
    }

    public override string Describe() => "an object";
}
