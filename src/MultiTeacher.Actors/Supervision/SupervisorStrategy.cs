namespace MultiTeacher.Actors;

/// <summary>
/// How a parent treats its failing children: a decider maps the exception to a <see cref="Directive"/>, and a
/// restart budget (<see cref="MaxNrOfRetries"/> within <see cref="WithinTimeRange"/>) turns one restart too many
/// into a stop. The strategy of an actor is set in its <see cref="Props"/>.
/// </summary>
public abstract class SupervisorStrategy
{
    private readonly Func<Exception, Directive> _decider;

    private protected SupervisorStrategy(int maxNrOfRetries, TimeSpan withinTimeRange, Func<Exception, Directive> decider)
    {
        ArgumentNullException.ThrowIfNull(decider);
        MaxNrOfRetries = maxNrOfRetries;
        WithinTimeRange = withinTimeRange;
        _decider = decider;
    }

    /// <summary>
    /// Restarts every failure except <see cref="ActorInitializationException"/>, <see cref="ActorKilledException"/>
    /// and <see cref="DeathPactException"/>, which stop; no restart limit (as in Akka).
    /// </summary>
    public static SupervisorStrategy Default { get; } = new OneForOneStrategy(DefaultDecider);

    /// <summary>Stops every failing child.</summary>
    public static SupervisorStrategy StoppingStrategy { get; } = new OneForOneStrategy(static _ => Directive.Stop);

    /// <summary>Restarts allowed per child within <see cref="WithinTimeRange"/>; negative for no limit.</summary>
    public int MaxNrOfRetries { get; }

    /// <summary>The window of the restart count; zero or negative for no window (count over the child's life).</summary>
    public TimeSpan WithinTimeRange { get; }

    /// <summary>The decider of <see cref="Default"/>.</summary>
    public static Directive DefaultDecider(Exception cause) => cause switch
    {
        ActorInitializationException or ActorKilledException or DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>The directive for <paramref name="cause"/>.</summary>
    public Directive Decide(Exception cause) => _decider(cause);
}
