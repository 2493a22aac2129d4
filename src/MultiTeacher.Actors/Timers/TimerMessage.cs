using MultiTeacher.Actors.Dispatch;

namespace MultiTeacher.Actors.Timers;

/// <summary>What a timer posts to its actor; the actor handles the wrapped message only if this exact timer is still current.</summary>
internal sealed class TimerMessage(object key, object message, bool repeating, LocalActorRef target)
{
    public object Key { get; } = key;

    public object Message { get; } = message;

    public bool Repeating { get; } = repeating;

    public LocalActorRef Target { get; } = target;
}
