namespace MultiTeacher.Configuration;

/// <summary>What a value of Akka's HOCON tree is, as its getters see it (<see cref="ConfigTree.KindOf"/>).</summary>
internal enum ValueKind
{
    Object,
    Array,
    Text,
    Null,
}
