namespace MultiTeacher.Actors;

/// <summary>A strategy that applies its directive to the failed child only.</summary>
public sealed class OneForOneStrategy : SupervisorStrategy
{
    /// <summary>A strategy with a restart budget.</summary>
    /// <param name="maxNrOfRetries">Restarts allowed per child within <paramref name="withinTimeRange"/>; negative for no limit.</param>
    /// <param name="withinTimeRange">The window of the count; zero or negative for no window.</param>
    /// <param name="decider">Maps a failure to a directive.</param>
    public OneForOneStrategy(int maxNrOfRetries, TimeSpan withinTimeRange, Func<Exception, Directive> decider)
        : base(maxNrOfRetries, withinTimeRange, decider)
    {
    }

    /// <summary>A strategy without a restart limit.</summary>
    public OneForOneStrategy(Func<Exception, Directive> decider)
        : base(-1, Timeout.InfiniteTimeSpan, decider)
    {
    }
}
