namespace MultiTeacher.Actors.Dispatch;

/// <summary>
/// The temporary reference an <c>Ask</c> sends as the sender (<c>/temp/$ask…</c>). The first message it receives
/// completes the task: a <typeparamref name="TReply"/> as the result, a <see cref="Status.Failure"/> or a reply of
/// another type as a fault. Anything after that, such as a reply after the timeout, is a dead letter.
/// </summary>
internal sealed class AskRef<TReply> : IActorRef
{
    private readonly TaskCompletionSource<TReply> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ActorPath _target;
    private readonly Type _messageType;
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _cancellationToken;
    private ITimer? _timer;
    private CancellationTokenRegistration _registration;

    public AskRef(IActorRef target, Type messageType, TimeSpan timeout, CancellationToken cancellationToken)
    {
        System = target.System;
        _target = target.Path;
        _messageType = messageType;
        _timeout = timeout;
        _cancellationToken = cancellationToken;
        Path = System.RegisterTemporary(this, "$ask");
        _timer = System.TimeProvider.CreateTimer(static s => ((AskRef<TReply>)s!).OnTimeout(), this, timeout, Timeout.InfiniteTimeSpan);
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static s => ((AskRef<TReply>)s!).OnCanceled(), this);
        }
    }

    public ActorPath Path { get; }

    public ActorSystem System { get; }

    public Task<TReply> Task => _completion.Task;

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var completed = message switch
        {
            Status.Failure failure => _completion.TrySetException(failure.Cause),
            TReply reply => _completion.TrySetResult(reply),
            _ => _completion.TrySetException(new InvalidCastException(
                $"Ask to {_target} with {_messageType.Name} expected a reply of type {typeof(TReply).Name} but received {message.GetType().Name}: {message}")),
        };
        if (completed)
        {
            Release();
        }
        else
        {
            System.DeadLetters.Publish(message, sender, this);
        }
    }

    public ValueTask TellAsync(object message, IActorRef? sender = null, CancellationToken cancellationToken = default)
    {
        Tell(message, sender);
        return default;
    }

    public override string ToString() => Path.ToString();

    private void OnTimeout()
    {
        if (_completion.TrySetException(new AskTimeoutException(_target, _messageType, _timeout)))
        {
            Release();
        }
    }

    private void OnCanceled()
    {
        if (_completion.TrySetCanceled(_cancellationToken))
        {
            Release();
        }
    }

    private void Release()
    {
        _timer?.Dispose();
        _registration.Unregister();
        System.UnregisterTemporary(Path);
    }
}
