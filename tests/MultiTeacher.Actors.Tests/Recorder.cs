namespace MultiTeacher.Actors.Tests;

/// <summary>
/// A test actor that reports its lifecycle and every message to a probe. <see cref="Block"/> holds it in an async
/// handler; an <c>int</c> equal to <c>failOn</c> makes it throw. Instances are numbered per props.
/// </summary>
public sealed class Recorder : ReceiveActor
{
    private readonly string _name;
    private readonly IActorRef _probe;
    private readonly int _instance;

    public Recorder(string name, IActorRef probe, StrongBox<int> instances, int? failOn)
    {
        _name = name;
        _probe = probe;
        _instance = Interlocked.Increment(ref instances.Value);
        Receive<Block>(async block =>
        {
            _probe.Tell(new Blocked(_name));
            await block.Gate.Task;
            _probe.Tell(new Unblocked(_name));
        });
        Receive<int>(n =>
        {
            if (n == failOn)
            {
                throw new InvalidOperationException($"{_name} fails on {n}");
            }
            _probe.Tell(new Handled(n, _instance));
        });
        ReceiveAny(message => _probe.Tell(new Handled(message, _instance)));
    }

    public static Props Props(string name, IActorRef probe, int? failOn = null)
    {
        var instances = new StrongBox<int>();
        return MultiTeacher.Actors.Props.Create(() => new Recorder(name, probe, instances, failOn));
    }

    protected override void PreStart() => _probe.Tell(new Started(_name, _instance));

    protected override void PostStop() => _probe.Tell(new Stopped(_name));

    protected override void PreRestart(Exception reason, object? message)
    {
        _probe.Tell(new Restarting(_name, reason.Message, message));
        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason) => _probe.Tell(new Restarted(_name, reason.Message, _instance));
}
