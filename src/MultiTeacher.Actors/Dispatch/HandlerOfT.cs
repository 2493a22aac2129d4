namespace MultiTeacher.Actors.Dispatch;

/// <summary>A handler for messages of type <typeparamref name="T"/>, synchronous or asynchronous.</summary>
internal sealed class Handler<T>(Action<T>? sync, Func<T, Task>? async, Predicate<T>? when) : Handler
{
    public override Task? TryHandle(object message)
    {
        if (message is not T typed || (when is not null && !when(typed)))
        {
            return NotHandled;
        }
        if (sync is not null)
        {
            sync(typed);
            return null;
        }
        return async!(typed);
    }
}
