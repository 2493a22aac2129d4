namespace MultiTeacher.Actors;

/// <summary>The kind of an actor's mailbox: unbounded (the default) or bounded with an overflow rule.</summary>
public sealed record MailboxOptions
{
    /// <summary>The most user messages waiting; <c>null</c> for no limit.</summary>
    public int? Capacity { get; init; }

    /// <summary>What happens to a message sent to a full bounded mailbox.</summary>
    public MailboxOverflow Overflow { get; init; } = MailboxOverflow.BackPressure;

    /// <summary>A mailbox without a limit: <c>Tell</c> always succeeds while the actor lives.</summary>
    public static MailboxOptions Unbounded { get; } = new();

    /// <summary>A mailbox holding at most <paramref name="capacity"/> user messages (system messages are not counted).</summary>
    public static MailboxOptions Bounded(int capacity, MailboxOverflow overflow = MailboxOverflow.BackPressure)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return new MailboxOptions { Capacity = capacity, Overflow = overflow };
    }
}
