namespace MultiTeacher.Actors;

/// <summary>An <c>Ask</c> got no reply in time.</summary>
public sealed class AskTimeoutException : TimeoutException
{
    /// <summary>Creates the exception for an ask of <paramref name="messageType"/> to <paramref name="target"/>.</summary>
    public AskTimeoutException(ActorPath target, Type messageType, TimeSpan timeout)
        : base($"Ask to {target} with {messageType?.Name} got no reply within {timeout.TotalMilliseconds:0.###} ms.")
    {
        Target = target;
        MessageType = messageType!;
        Timeout = timeout;
    }

    /// <summary>The actor that was asked.</summary>
    public ActorPath Target { get; }

    /// <summary>The type of the message that was sent.</summary>
    public Type MessageType { get; }

    /// <summary>How long the ask waited.</summary>
    public TimeSpan Timeout { get; }
}
