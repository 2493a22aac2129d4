using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MultiTeacher.Actors.Transport;

namespace MultiTeacher.Actors;

/// <summary>The settings of an <see cref="ActorSystem"/>.</summary>
public sealed record ActorSystemOptions
{
    /// <summary>The clock of timers and ask timeouts; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where actors and the kernel log (dead letters, failures).</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>How messages reach actors of other systems; <c>null</c> when this system talks only to itself.</summary>
    public ITransport? Transport { get; init; }

    /// <summary>The node (host or node id) of this system in its address; <c>null</c> in a single process.</summary>
    public string? Node { get; init; }

    /// <summary>The most user messages an actor handles in one turn on a pool thread before yielding it.</summary>
    public int Throughput { get; init; } = 100;

    /// <summary>How the <c>/user</c> guardian treats failing top-level actors.</summary>
    public SupervisorStrategy GuardianSupervisorStrategy { get; init; } = SupervisorStrategy.Default;

    /// <summary>How many dead letters are logged; all are counted and published.</summary>
    public int DeadLetterLogLimit { get; init; } = 100;
}
