namespace MultiTeacher.Configuration.Hocon;

internal sealed class HoconArrayNode(IReadOnlyList<HoconNode> items, SourcePosition position) : HoconNode(position)
{
    public IReadOnlyList<HoconNode> Items { get; } = items;

    public override string Describe() => "an array";
}
