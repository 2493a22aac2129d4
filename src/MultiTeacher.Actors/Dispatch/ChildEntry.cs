namespace MultiTeacher.Actors.Dispatch;

/// <summary>What a parent keeps about one child: its reference, whether it was told to stop, its restart count.</summary>
internal sealed class ChildEntry(LocalActorRef actor)
{
    private int _restarts;
    private long _windowStart;

    public LocalActorRef Actor { get; } = actor;

    /// <summary>The child was told to stop; a restarting parent waits for such children.</summary>
    public bool Stopping { get; set; }

    /// <summary>Counts one more restart; false when it exceeds the strategy's limit within its window.</summary>
    public bool RequestRestartPermission(SupervisorStrategy strategy, TimeProvider clock)
    {
        if (strategy.MaxNrOfRetries < 0)
        {
            return true;
        }
        var window = strategy.WithinTimeRange;
        if (window <= TimeSpan.Zero)
        {
            return ++_restarts <= strategy.MaxNrOfRetries;
        }
        var now = clock.GetTimestamp();
        if (_restarts == 0 || clock.GetElapsedTime(_windowStart, now) > window)
        {
            _windowStart = now;
            _restarts = 1;
            return strategy.MaxNrOfRetries >= 1;
        }
        return ++_restarts <= strategy.MaxNrOfRetries;
    }
}
