namespace MultiTeacher.Configuration.Hocon;

/// <summary>
/// A value of the HOCON tree. Parsing yields objects, arrays and scalars plus three unresolved kinds
/// (<see cref="HoconSubstitutionNode"/>, <see cref="HoconConcatNode"/>, <see cref="HoconMergeNode"/>) that the
/// <see cref="HoconResolver"/> replaces. A resolved tree holds only objects, arrays and scalars. Nodes are never
/// changed once built; merging makes new ones.
/// </summary>
internal abstract class HoconNode(SourcePosition position)
{
    public SourcePosition Position { get; } = position;

    /// <summary>How the node is named in an error message ("a string", "an object", ...).</summary>
    public abstract string Describe();
}
