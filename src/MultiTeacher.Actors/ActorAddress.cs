namespace MultiTeacher.Actors;

/// <summary>
/// The full address of an actor across processes: its system's name, the node that hosts it (<c>null</c> in a
/// single process) and its path. Written as <c>mt://system@node/user/a</c> or <c>mt://system/user/a</c>.
/// </summary>
/// <param name="System">The name of the actor system.</param>
/// <param name="Node">The node (host or node id) of the system; <c>null</c> when there is one per process.</param>
/// <param name="Path">The actor's path inside its system.</param>
public sealed record ActorAddress(string System, string? Node, ActorPath Path)
{
    private const string Prefix = "mt://";

    /// <summary>Whether both addresses name the same system on the same node.</summary>
    public bool IsSameSystem(ActorAddress other) =>
        other is not null && string.Equals(System, other.System, StringComparison.Ordinal) && string.Equals(Node, other.Node, StringComparison.Ordinal);

    /// <summary>The address as text, <c>mt://system@node/path</c>.</summary>
    public override string ToString() => Node is null ? $"{Prefix}{System}{Path}" : $"{Prefix}{System}@{Node}{Path}";

    /// <summary>Reads an address written as <c>mt://system@node/path</c> or <c>mt://system/path</c>.</summary>
    /// <exception cref="FormatException">The text is not such an address.</exception>
    public static ActorAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new FormatException($"An actor address starts with '{Prefix}': '{text}'.");
        }
        var rest = text[Prefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? ActorPath.Root : ActorPath.Parse(rest[slash..]);
        var at = authority.IndexOf('@', StringComparison.Ordinal);
        var system = at < 0 ? authority : authority[..at];
        var node = at < 0 ? null : authority[(at + 1)..];
        if (system.Length == 0 || node is { Length: 0 })
        {
            throw new FormatException($"'{text}' names no system or an empty node.");
        }
        return new ActorAddress(system, node, path);
    }
}
