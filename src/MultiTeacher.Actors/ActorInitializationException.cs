namespace MultiTeacher.Actors;

/// <summary>An actor's constructor, <c>PreStart</c> or <c>PostRestart</c> threw; supervisors stop such actors by default.</summary>
public sealed class ActorInitializationException : Exception
{
    /// <summary>Creates the exception for <paramref name="actor"/>.</summary>
    public ActorInitializationException(IActorRef actor, string message, Exception innerException)
        : base(message, innerException)
    {
        Actor = actor;
    }

    /// <summary>The actor that could not start.</summary>
    public IActorRef Actor { get; }
}
