namespace MultiTeacher.Actors.Tests;

/// <summary>A parent with one child named "child", created from the given props; answers <see cref="GetChild"/>.</summary>
public sealed class Supervisor : ReceiveActor
{
    public Supervisor(Props child)
    {
        var created = Context.ActorOf(child, "child");
        Receive<GetChild>(_ => Sender.Tell(created));
    }

    public static Props Props(Props child, SupervisorStrategy strategy) =>
        MultiTeacher.Actors.Props.Create(() => new Supervisor(child)).WithSupervisorStrategy(strategy);
}
