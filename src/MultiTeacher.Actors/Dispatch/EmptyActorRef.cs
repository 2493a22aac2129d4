namespace MultiTeacher.Actors.Dispatch;

/// <summary>A path where no actor lives: everything sent to it is a dead letter.</summary>
internal sealed class EmptyActorRef(ActorSystem system, ActorPath path) : IActorRef
{
    public ActorPath Path { get; } = path;

    public ActorSystem System { get; } = system;

    public void Tell(object message, IActorRef? sender = null) => System.DeadLetters.Publish(message, sender, this);

    public ValueTask TellAsync(object message, IActorRef? sender = null, CancellationToken cancellationToken = default)
    {
        Tell(message, sender);
        return default;
    }

    public override bool Equals(object? obj) => obj is EmptyActorRef other && other.System == System && other.Path.Equals(Path);

    public override int GetHashCode() => Path.GetHashCode();

    public override string ToString() => Path.ToString();
}
