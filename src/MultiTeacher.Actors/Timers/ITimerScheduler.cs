namespace MultiTeacher.Actors;

/// <summary>
/// Timers that send messages to their actor, through the system's <see cref="TimeProvider"/>. Each timer has a key;
/// starting a timer with a key in use replaces the old one. A cancelled timer's message is never handled, even if
/// it was already queued. All timers are cancelled when the actor stops or restarts.
/// </summary>
public interface ITimerScheduler
{
    /// <summary>Sends <paramref name="message"/> to this actor once, after <paramref name="delay"/>.</summary>
    void ScheduleOnce(object key, object message, TimeSpan delay);

    /// <summary>Sends <paramref name="message"/> after <paramref name="initialDelay"/>, then every <paramref name="interval"/>.</summary>
    void ScheduleRepeatedly(object key, object message, TimeSpan initialDelay, TimeSpan interval);

    /// <summary>Whether the timer <paramref name="key"/> is pending (a single timer stops being active when handled).</summary>
    bool IsActive(object key);

    /// <summary>Cancels the timer <paramref name="key"/>, if any.</summary>
    void Cancel(object key);

    /// <summary>Cancels every timer of this actor.</summary>
    void CancelAll();
}
