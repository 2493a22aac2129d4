namespace MultiTeacher.Actors.Transport;

/// <summary>
/// The message being handled, as seen by a transport: <see cref="Current"/> is set while a handler runs (also across
/// its awaits) in a system that has a transport, and for every message delivered with
/// <see cref="ActorSystem.DeliverInbound(IActorRef, object, IActorRef?, IInboundDelivery)"/>. A transport that
/// publishes on behalf of the handler <see cref="Attach"/>es the publish's completion (the broker's confirm); the
/// message counts as handled only when the handler has returned and all attached work has completed.
/// </summary>
public sealed class DeliveryContext
{
    private static readonly AsyncLocal<DeliveryContext?> s_current = new();

    private readonly Lock _gate = new();
    private List<Task>? _attached;
    private TaskCompletionSource<Exception?>? _settledSource;
    private bool _handlerReturned;
    private bool _settled;
    private Exception? _settledError;
    private bool _deferred;
    private int _finished;

    internal DeliveryContext(IInboundDelivery? delivery)
    {
        Delivery = delivery;
    }

    /// <summary>The context of the handler running on this flow of execution, or <c>null</c> outside handlers.</summary>
    public static DeliveryContext? Current => s_current.Value;

    /// <summary>The transport's handle, or <c>null</c> when the message did not come from a transport.</summary>
    public IInboundDelivery? Delivery { get; }

    /// <summary>
    /// Makes the message's outcome wait for <paramref name="work"/> (a fault fails the delivery). Thread-safe.
    /// Work attached after the handler returned is not waited for.
    /// </summary>
    /// <returns>False when the handler had already returned.</returns>
    public bool Attach(Task work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_gate)
        {
            if (_handlerReturned)
            {
                return false;
            }
            (_attached ??= []).Add(work);
            return true;
        }
    }

    internal static DeliveryContext? Enter(DeliveryContext context)
    {
        var previous = s_current.Value;
        s_current.Value = context;
        return previous;
    }

    internal static void Exit(DeliveryContext? previous) => s_current.Value = previous;

    /// <summary>Takes over the outcome: <see cref="IInboundDelivery.Handled"/> waits for the handle's <c>Complete</c>.</summary>
    internal DeferredDelivery Defer()
    {
        if (Delivery is null)
        {
            return DeferredDelivery.None;
        }
        lock (_gate)
        {
            _deferred = true;
        }
        return new DeferredDelivery(this);
    }

    /// <summary>Called once by the kernel when the handler has returned, with its exception if it failed.</summary>
    internal void HandlerReturned(Exception? error)
    {
        Task[]? attached;
        lock (_gate)
        {
            _handlerReturned = true;
            attached = _attached?.ToArray();
            _attached = null;
        }
        if (error is not null || attached is null)
        {
            Settle(error);
            return;
        }
        Task.WhenAll(attached).ContinueWith(
            static (all, state) => ((DeliveryContext)state!).Settle(all.IsFaulted ? all.Exception.InnerException : all.IsCanceled ? new TaskCanceledException(all) : null),
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Completes when the handler returned and its attached work completed; the result is the first error.</summary>
    internal Task<Exception?> WhenHandlerSettled()
    {
        lock (_gate)
        {
            if (_settled)
            {
                return Task.FromResult(_settledError);
            }
            return (_settledSource ??= new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    internal void Finish(Exception? error)
    {
        if (Delivery is null || Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return;
        }
        if (error is null)
        {
            Delivery.Handled();
        }
        else
        {
            Delivery.Failed(error);
        }
    }

    internal void Reject(string reason)
    {
        if (Delivery is not null && Interlocked.Exchange(ref _finished, 1) == 0)
        {
            Delivery.Rejected(reason);
        }
    }

    private void Settle(Exception? error)
    {
        TaskCompletionSource<Exception?>? source;
        bool deferred;
        lock (_gate)
        {
            _settled = true;
            _settledError = error;
            source = _settledSource;
            deferred = _deferred;
        }
        source?.TrySetResult(error);
        if (error is not null || !deferred)
        {
            Finish(error);
        }
    }
}
