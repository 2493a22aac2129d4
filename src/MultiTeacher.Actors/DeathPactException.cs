namespace MultiTeacher.Actors;

/// <summary>An actor received <see cref="Terminated"/> for an actor it watched, and had no handler for it.</summary>
public sealed class DeathPactException : Exception
{
    /// <summary>Creates the exception naming the stopped actor.</summary>
    public DeathPactException(IActorRef deadActor)
        : base($"Watched actor {deadActor?.Path} stopped and its Terminated message was not handled.")
    {
        DeadActor = deadActor!;
    }

    /// <summary>The watched actor that stopped.</summary>
    public IActorRef DeadActor { get; }
}
