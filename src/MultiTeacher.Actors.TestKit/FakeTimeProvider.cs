namespace MultiTeacher.Actors.TestKit;

/// <summary>
/// A clock that moves only when told to. <see cref="Advance"/> fires the timers that fall due, in order of due
/// time (then of creation), synchronously on the calling thread, with <see cref="GetUtcNow"/> set to each timer's
/// due time while its callback runs. Pass it as <see cref="ActorSystemOptions.TimeProvider"/> so that actor timers
/// and ask timeouts are deterministic and tests never sleep.
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<FakeTimer> _timers = [];
    private DateTimeOffset _now;
    private long _lastSequence;

    /// <summary>A clock starting at 2000-01-01 00:00 UTC.</summary>
    public FakeTimeProvider()
        : this(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>A clock starting at <paramref name="start"/>.</summary>
    public FakeTimeProvider(DateTimeOffset start)
    {
        _now = start;
    }

    /// <summary>How many timers are waiting to fire.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count;
            }
        }
    }

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc/>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <inheritdoc/>
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new FakeTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward by <paramref name="delta"/>, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + delta;
        }
        while (true)
        {
            FakeTimer? next = null;
            lock (_gate)
            {
                foreach (var timer in _timers)
                {
                    if (timer.DueAt <= target && (next is null || (timer.DueAt, timer.Sequence).CompareTo((next.DueAt, next.Sequence)) < 0))
                    {
                        next = timer;
                    }
                }
                if (next is null)
                {
                    _now = target;
                    return;
                }
                if (next.DueAt > _now)
                {
                    _now = next.DueAt;
                }
                if (next.Period > TimeSpan.Zero)
                {
                    next.DueAt += next.Period;
                }
                else
                {
                    _timers.Remove(next);
                }
            }
            next.Fire();
        }
    }

    /// <summary>Moves the clock forward to <paramref name="value"/>; see <see cref="Advance"/>.</summary>
    public void SetUtcNow(DateTimeOffset value) => Advance(value - GetUtcNow());

    internal void Schedule(FakeTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return;
            }
            timer.DueAt = _now + dueTime;
            timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            timer.Sequence = ++_lastSequence;
            _timers.Add(timer);
        }
    }

    internal void Unschedule(FakeTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }
}
