using MultiTeacher.Actors.Dispatch;

namespace MultiTeacher.Actors.Timers;

/// <summary>
/// An actor's timers on the system's <see cref="TimeProvider"/>. Used only on the actor's turn; the timer callbacks
/// only post a <see cref="TimerMessage"/>. A message is accepted only while its timer is the current one for its key,
/// so a cancelled or replaced timer's message, even if already queued, is never handled.
/// </summary>
internal sealed class TimerScheduler(ActorCell cell) : ITimerScheduler
{
    private static readonly TimerCallback s_fire = static state =>
    {
        var message = (TimerMessage)state!;
        message.Target.Tell(message);
    };

    private readonly Dictionary<object, (ITimer Timer, TimerMessage Message)> _timers = [];

    public void ScheduleOnce(object key, object message, TimeSpan delay) => Start(key, message, delay, Timeout.InfiniteTimeSpan);

    public void ScheduleRepeatedly(object key, object message, TimeSpan initialDelay, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Start(key, message, initialDelay, interval);
    }

    public bool IsActive(object key) => _timers.ContainsKey(key);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out var timer))
        {
            timer.Timer.Dispose();
        }
    }

    public void CancelAll()
    {
        foreach (var (timer, _) in _timers.Values)
        {
            timer.Dispose();
        }
        _timers.Clear();
    }

    /// <summary>Whether <paramref name="message"/> comes from the current timer of its key (a single timer is then done).</summary>
    public bool TryAccept(TimerMessage message)
    {
        if (!_timers.TryGetValue(message.Key, out var current) || !ReferenceEquals(current.Message, message))
        {
            return false;
        }
        if (!message.Repeating)
        {
            _timers.Remove(message.Key);
        }
        return true;
    }

    private void Start(object key, object message, TimeSpan delay, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Cancel(key);
        var posted = new TimerMessage(key, message, period != Timeout.InfiniteTimeSpan, cell.Self);
        var timer = cell.System.TimeProvider.CreateTimer(s_fire, posted, delay, period);
        _timers[key] = (timer, posted);
    }
}
