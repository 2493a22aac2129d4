namespace MultiTeacher.Configuration.Hocon;

/// <summary>
/// Values given to one key that cannot be merged before substitutions are resolved (at least one is a substitution
/// or concatenation), newest first. Resolution merges them in order, each older one a fallback of the newer, and
/// stops at the first non-object. A self-referential value (<c>a = ${a} [3]</c>) sees only the values below it.
/// </summary>
internal sealed class HoconMergeNode(IReadOnlyList<HoconNode> stack) : HoconNode(stack[0].Position)
{
    /// <summary>The values, newest first.</summary>
    public IReadOnlyList<HoconNode> Stack { get; } = stack;

    public override string Describe() => "a merge of values";
}
