namespace MultiTeacher.Actors.TestKit;

/// <summary>A timer of a <see cref="FakeTimeProvider"/>; its schedule is kept (and guarded) by the provider.</summary>
internal sealed class FakeTimer(FakeTimeProvider clock, TimerCallback callback, object? state) : ITimer
{
    private bool _disposed;

    public DateTimeOffset DueAt { get; set; }

    public TimeSpan Period { get; set; }

    public long Sequence { get; set; }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime < TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime));
        }
        if (period < TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(period));
        }
        if (Volatile.Read(ref _disposed))
        {
            return false;
        }
        clock.Schedule(this, dueTime, period);
        return true;
    }

    public void Fire() => callback(state);

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        clock.Unschedule(this);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }
}
