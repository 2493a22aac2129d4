namespace MultiTeacher.Actors.Dispatch;

/// <summary>
/// Queued behind the user messages when a watched actor's death is reported, so that whatever the dead actor
/// sent before it stopped is handled before its <see cref="Terminated"/> (as in Akka). Becomes a
/// <see cref="Terminated"/> when handled, unless the watcher unwatched meanwhile.
/// </summary>
internal sealed class TerminatedSignal(IActorRef watchee)
{
    public IActorRef Watchee { get; } = watchee;
}
