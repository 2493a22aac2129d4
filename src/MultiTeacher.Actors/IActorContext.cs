using Microsoft.Extensions.Logging;
using MultiTeacher.Actors.Transport;

namespace MultiTeacher.Actors;

/// <summary>
/// What an actor can do besides handling its message: spawn and stop children, watch other actors, start timers,
/// log. Use it only from the actor's own handlers and hooks (it is not thread-safe; do not capture it in callbacks
/// that run elsewhere).
/// </summary>
public interface IActorContext
{
    /// <summary>This actor's own reference.</summary>
    IActorRef Self { get; }

    /// <summary>The sender of the message being handled; <see cref="ActorSystem.DeadLetters"/> when there is none.</summary>
    IActorRef Sender { get; }

    /// <summary>The actor that created this one (for a top-level actor, the <c>/user</c> guardian).</summary>
    IActorRef Parent { get; }

    /// <summary>The system this actor lives in.</summary>
    ActorSystem System { get; }

    /// <summary>The living children, in no particular order.</summary>
    IReadOnlyCollection<IActorRef> Children { get; }

    /// <summary>Timers that send messages to this actor; all are cancelled when it stops or restarts.</summary>
    ITimerScheduler Timers { get; }

    /// <summary>A logger named after the actor's class.</summary>
    ILogger Log { get; }

    /// <summary>Creates a child actor, started asynchronously; messages sent to it before it starts wait in its mailbox.</summary>
    /// <param name="props">How to make the child.</param>
    /// <param name="name">A name unique among the living children; <c>null</c> picks one (<c>$1</c>, <c>$2</c>, ...).</param>
    /// <exception cref="ArgumentException">The name is invalid, starts with <c>$</c> or is taken.</exception>
    IActorRef ActorOf(Props props, string? name = null);

    /// <summary>The living child named <paramref name="name"/>, or <c>null</c>.</summary>
    IActorRef? Child(string name);

    /// <summary>
    /// Stops <paramref name="actor"/> (a child or this actor itself) after the message it is handling: its children
    /// stop first, then its <c>PostStop</c> runs; messages still queued become dead letters.
    /// </summary>
    void Stop(IActorRef actor);

    /// <summary>
    /// Watches <paramref name="subject"/>: this actor receives <see cref="Terminated"/> once when it stops, at once
    /// if it is already dead. Watching twice still delivers one <see cref="Terminated"/>.
    /// </summary>
    /// <returns><paramref name="subject"/>.</returns>
    /// <exception cref="NotSupportedException">The subject is remote (death watch across nodes comes with the cluster).</exception>
    IActorRef Watch(IActorRef subject);

    /// <summary>Stops watching <paramref name="subject"/>; no <see cref="Terminated"/> for it is delivered afterwards.</summary>
    void Unwatch(IActorRef subject);

    /// <summary>Sends the message being handled on to <paramref name="target"/>, keeping its original sender.</summary>
    void Forward(IActorRef target);

    /// <summary>
    /// Takes over the outcome of the message being handled when it came from a transport: it is neither acknowledged
    /// nor redelivered when the handler returns, but when the returned handle is completed (or rejected: dead letter).
    /// Keep the handle in the actor's state; if the actor fails before completing it, the message is redelivered only
    /// when the transport's connection ends. For a message that did not come from a transport the handle does nothing.
    /// </summary>
    DeferredDelivery DeferDelivery();
}
