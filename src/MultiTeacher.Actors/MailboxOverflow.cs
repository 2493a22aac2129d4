namespace MultiTeacher.Actors;

/// <summary>What a full bounded mailbox does with one more message.</summary>
public enum MailboxOverflow
{
    /// <summary>
    /// <see cref="IActorRef.TellAsync"/> waits until there is room; <see cref="IActorRef.Tell"/>, which never waits,
    /// turns the message into a dead letter.
    /// </summary>
    BackPressure,

    /// <summary>Both <c>Tell</c> and <c>TellAsync</c> turn the message into a dead letter at once.</summary>
    DeadLetter,
}
