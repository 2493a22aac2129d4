namespace MultiTeacher.Actors;

/// <summary>The actor received <see cref="Kill"/>.</summary>
public sealed class ActorKilledException : Exception
{
    /// <summary>Creates the exception for <paramref name="actor"/>.</summary>
    public ActorKilledException(IActorRef actor)
        : base($"{actor?.Path} was killed.")
    {
        Actor = actor!;
    }

    /// <summary>The killed actor.</summary>
    public IActorRef Actor { get; }
}
