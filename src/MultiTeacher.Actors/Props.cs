namespace MultiTeacher.Actors;

/// <summary>
/// The recipe of an actor: how to make an instance (again, on every restart) and the options of its cell.
/// By convention each actor class offers a static <c>Props(...)</c> factory.
/// </summary>
public sealed record Props
{
    private Props(Func<ActorBase> factory, Type actorType)
    {
        Factory = factory;
        ActorType = actorType;
    }

    /// <summary>Makes a fresh actor instance; called at start and at every restart.</summary>
    public Func<ActorBase> Factory { get; }

    /// <summary>The class of the actor; names its logger.</summary>
    public Type ActorType { get; }

    /// <summary>The mailbox: unbounded by default.</summary>
    public MailboxOptions Mailbox { get; init; } = MailboxOptions.Unbounded;

    /// <summary>How this actor supervises its children; <c>null</c> for <see cref="SupervisorStrategy.Default"/>.</summary>
    public SupervisorStrategy? SupervisorStrategy { get; init; }

    /// <summary>Props for an actor with a parameterless constructor.</summary>
    public static Props Create<TActor>() where TActor : ActorBase, new() => new(static () => new TActor(), typeof(TActor));

    /// <summary>Props for an actor made by <paramref name="factory"/>, which must return a new instance each call.</summary>
    public static Props Create<TActor>(Func<TActor> factory) where TActor : ActorBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new(factory, typeof(TActor));
    }

    /// <summary>These props with another mailbox.</summary>
    public Props WithMailbox(MailboxOptions mailbox) => this with { Mailbox = mailbox ?? throw new ArgumentNullException(nameof(mailbox)) };

    /// <summary>These props with another strategy for the actor's children.</summary>
    public Props WithSupervisorStrategy(SupervisorStrategy strategy) => this with { SupervisorStrategy = strategy ?? throw new ArgumentNullException(nameof(strategy)) };
}
