namespace MultiTeacher.Configuration.Hocon;

/// <summary>An object: fields in the order they were first defined.</summary>
internal sealed class HoconObjectNode : HoconNode
{
    private readonly OrderedDictionary<string, HoconNode> _fields;

    /// <summary>Wraps <paramref name="fields"/>, which the caller must not change afterwards.</summary>
    public HoconObjectNode(OrderedDictionary<string, HoconNode> fields, SourcePosition position, bool ignoresFallbacks = false)
        : base(position)
    {
        _fields = fields;
        IgnoresFallbacks = ignoresFallbacks;
    }

    /// <summary>
    /// The object has already hidden a non-object value, so it merges with nothing older (HOCON.md: merging is done in
    /// pairs, and <c>{ x : 1 }</c> over <c>42</c> over <c>{ y : 2 }</c> is <c>{ x : 1 }</c>).
    /// </summary>
    public bool IgnoresFallbacks { get; }

    public int Count => _fields.Count;

    public IEnumerable<KeyValuePair<string, HoconNode>> Fields => _fields;

    public HoconNode? Get(string key) => _fields.TryGetValue(key, out var value) ? value : null;

    /// <summary>A copy with <paramref name="key"/> set to <paramref name="value"/> (no merging).</summary>
    public HoconObjectNode With(string key, HoconNode value)
    {
        var fields = new OrderedDictionary<string, HoconNode>(_fields, StringComparer.Ordinal);
        fields[key] = value;
        return new HoconObjectNode(fields, Position, IgnoresFallbacks);
    }

    public override string Describe() => "an object";
}
