using System.Globalization;

namespace MultiTeacher.Actors.Dispatch;

/// <summary>The children: created from any thread for guardians, looked up from any thread for path resolution.</summary>
internal sealed partial class ActorCell
{
    private readonly Dictionary<string, ChildEntry> _children = new(StringComparer.Ordinal);
    private int _lastAutoName;

    public IReadOnlyCollection<IActorRef> Children
    {
        get
        {
            lock (_gate)
            {
                return [.. _children.Values.Select(entry => (IActorRef)entry.Actor)];
            }
        }
    }

    private int ChildCount
    {
        get
        {
            lock (_gate)
            {
                return _children.Count;
            }
        }
    }

    public IActorRef? Child(string name) => TryGetChild(name);

    /// <summary>Creates a child and queues its start. Thread-safe.</summary>
    public LocalActorRef CreateChild(Props props, string? name)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (name is not null && (name.StartsWith('$') || !ActorPath.IsValidElement(name)))
        {
            throw new ArgumentException($"'{name}' is not a valid actor name: use letters, digits and -_.~+:@ and do not start with $.", nameof(name));
        }
        ActorCell child;
        lock (_gate)
        {
            if (_stopping)
            {
                throw new InvalidOperationException($"{Self.Path} is stopping and cannot create children.");
            }
            name ??= "$" + (++_lastAutoName).ToString(CultureInfo.InvariantCulture);
            if (_children.ContainsKey(name))
            {
                throw new ArgumentException($"{Self.Path} already has a child named '{name}'.", nameof(name));
            }
            child = new ActorCell(System, props, this, Self.Path / name);
            _children.Add(name, new ChildEntry(child.Self));
        }
        child.Mailbox.PostSystem(SystemMessage.Create);
        return child.Self;
    }

    /// <summary>The living child named <paramref name="name"/>. Thread-safe.</summary>
    public LocalActorRef? TryGetChild(string name)
    {
        lock (_gate)
        {
            return _children.TryGetValue(name, out var entry) ? entry.Actor : null;
        }
    }

    private ChildEntry? FindChild(LocalActorRef child)
    {
        lock (_gate)
        {
            return _children.TryGetValue(child.Path.Name, out var entry) && ReferenceEquals(entry.Actor, child) ? entry : null;
        }
    }

    private bool RemoveChild(LocalActorRef child)
    {
        lock (_gate)
        {
            return _children.TryGetValue(child.Path.Name, out var entry)
                && ReferenceEquals(entry.Actor, child)
                && _children.Remove(child.Path.Name);
        }
    }

    private void MarkStopping(LocalActorRef child)
    {
        var entry = FindChild(child);
        entry?.Stopping = true;
    }

    private bool HasStoppingChildren()
    {
        lock (_gate)
        {
            return _children.Values.Any(entry => entry.Stopping);
        }
    }
}
