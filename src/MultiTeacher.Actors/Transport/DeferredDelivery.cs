namespace MultiTeacher.Actors.Transport;

/// <summary>
/// The outcome of a transported message, taken over by its actor with <see cref="IActorContext.DeferDelivery"/>:
/// the transport neither acknowledges nor redelivers it until <see cref="Complete"/> or <see cref="Reject"/>.
/// For a message that did not come from a transport both are no-ops. Thread-safe; the first call wins.
/// </summary>
public sealed class DeferredDelivery
{
    private readonly DeliveryContext? _context;

    internal DeferredDelivery(DeliveryContext? context)
    {
        _context = context;
    }

    /// <summary>The handle of a message that did not come from a transport.</summary>
    public static DeferredDelivery None { get; } = new(null);

    /// <summary>Whether the message came from a transport (otherwise the methods do nothing).</summary>
    public bool IsTransported => _context is not null;

    /// <summary>
    /// Acknowledges the message once its own handler's attached work has completed and — when called from inside
    /// another handler — once that handler has returned and its attached work (its publishes) has completed too. So an
    /// aggregator that publishes a result and completes the inputs in the same handler acknowledges the inputs only
    /// after the result was confirmed. If that work fails, the message is redelivered instead.
    /// </summary>
    public void Complete()
    {
        if (_context is null)
        {
            return;
        }
        var own = _context.WhenHandlerSettled();
        var current = DeliveryContext.Current;
        var gate = current is null || ReferenceEquals(current, _context) ? null : current.WhenHandlerSettled();
        if (gate is null)
        {
            own.ContinueWith(static (t, state) => ((DeliveryContext)state!).Finish(t.Result), _context,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return;
        }
        Task.WhenAll(own, gate).ContinueWith(static (t, state) => ((DeliveryContext)state!).Finish(t.Result[0] ?? t.Result[1]), _context,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Refuses the message for good: the transport dead-letters it with <paramref name="reason"/>.</summary>
    public void Reject(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        _context?.Reject(reason);
    }
}
