namespace MultiTeacher.Actors;

/// <summary>
/// The position of an actor in its system's tree, such as <c>/user/teachers/cnn-a</c>. Top-level user actors live
/// under <c>/user</c>, internal ones (test probes) under <c>/system</c>, ask replies under <c>/temp</c>.
/// Paths compare by their text.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>
{
    private readonly string _text;
    private string[]? _elements;

    private ActorPath(ActorPath? parent, string name, string text)
    {
        Parent = parent;
        Name = name;
        _text = text;
    }

    /// <summary>The root, <c>/</c>.</summary>
    public static ActorPath Root { get; } = new(null, "", "/");

    /// <summary>The parent path; <c>null</c> for <see cref="Root"/>.</summary>
    public ActorPath? Parent { get; }

    /// <summary>The last element, such as <c>cnn-a</c>; empty for <see cref="Root"/>.</summary>
    public string Name { get; }

    /// <summary>The elements from the root down, such as <c>["user", "teachers", "cnn-a"]</c>.</summary>
    public IReadOnlyList<string> Elements => _elements ??= BuildElements();

    /// <summary>The path of a child named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is empty or holds a character other than letters, digits and <c>-_.$~+:@</c>.</exception>
    public ActorPath Child(string name)
    {
        if (!IsValidElement(name))
        {
            throw new ArgumentException($"'{name}' is not a valid actor name: use letters, digits and -_.$~+:@", nameof(name));
        }
        return new ActorPath(this, name, Parent is null ? "/" + name : _text + "/" + name);
    }

    /// <summary>The path of a child: <c>ActorPath.Root / "user" / "teachers"</c>.</summary>
    public static ActorPath operator /(ActorPath parent, string name) => parent.Child(name);

    /// <summary>Whether <paramref name="name"/> can be one element of a path.</summary>
    public static bool IsValidElement(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && "-_.$~+:@".IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Reads a path written as <c>/a/b/c</c>.</summary>
    /// <exception cref="FormatException">The text does not start with <c>/</c> or holds an invalid element.</exception>
    public static ActorPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.StartsWith('/'))
        {
            throw new FormatException($"An actor path starts with '/': '{text}'.");
        }
        var path = Root;
        foreach (var element in text.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!IsValidElement(element))
            {
                throw new FormatException($"'{element}' in '{text}' is not a valid actor name.");
            }
            path = path.Child(element);
        }
        return path;
    }

    /// <inheritdoc/>
    public bool Equals(ActorPath? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ActorPath);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_text);

    /// <summary>The path as text, such as <c>/user/teachers/cnn-a</c>.</summary>
    public override string ToString() => _text;

    private string[] BuildElements()
    {
        var elements = new List<string>();
        for (var path = this; path.Parent is not null; path = path.Parent)
        {
            elements.Add(path.Name);
        }
        elements.Reverse();
        return [.. elements];
    }
}
