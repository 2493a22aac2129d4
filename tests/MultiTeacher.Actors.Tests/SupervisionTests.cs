namespace MultiTeacher.Actors.Tests;

public sealed class SupervisionTests : TestKitBase
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Restart_FailingMessage_FreshInstanceKeepsMailboxAndLosesOnlyThatMessage()
    {
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Recorder.Props("r", probe, failOn: 3));
        Assert.Equal(1, (await probe.ExpectMsgAsync<Started>()).Instance);
        var gate = new TaskCompletionSource();
        actor.Tell(new Block(gate));
        await probe.ExpectMsgAsync<Blocked>();
        for (var i = 1; i <= 5; i++)
        {
            actor.Tell(i);
        }

        gate.SetResult();

        await probe.ExpectMsgAsync<Unblocked>();
        await probe.ExpectMsgAsync(new Handled(1, 1));
        await probe.ExpectMsgAsync(new Handled(2, 1));
        await probe.ExpectMsgAsync(new Restarting("r", "r fails on 3", 3));
        await probe.ExpectMsgAsync<Stopped>();
        await probe.ExpectMsgAsync(new Restarted("r", "r fails on 3", 2));
        await probe.ExpectMsgAsync(new Handled(4, 2));
        await probe.ExpectMsgAsync(new Handled(5, 2));
        Assert.Same(actor, Sys.Resolve(actor.Path));
    }

    [Fact]
    public async Task Resume_FailingMessage_SameInstanceKeepsState()
    {
        var probe = CreateTestProbe();
        var child = await SpawnSupervised(Props.Create(() => new Counter()), new OneForOneStrategy(_ => Directive.Resume));

        child.Tell("inc");
        child.Tell("inc");
        child.Tell("fail");
        child.Tell("inc");
        child.Tell("get", probe);

        await probe.ExpectMsgAsync(3);
    }

    [Fact]
    public async Task Restart_FailingMessage_StateIsReset()
    {
        var probe = CreateTestProbe();
        var child = await SpawnSupervised(Props.Create(() => new Counter()), new OneForOneStrategy(_ => Directive.Restart));

        child.Tell("inc");
        child.Tell("inc");
        child.Tell("fail");
        child.Tell("inc");
        child.Tell("get", probe);

        await probe.ExpectMsgAsync(1);
    }

    [Fact]
    public async Task Stop_Directive_ChildStops()
    {
        var probe = CreateTestProbe();
        var child = await SpawnSupervised(Recorder.Props("c", probe, failOn: 1), SupervisorStrategy.StoppingStrategy);
        await probe.ExpectMsgAsync<Started>();
        probe.Watch(child);

        child.Tell(1);

        await probe.ExpectMsgAsync<Stopped>();
        await probe.ExpectTerminatedAsync(child);
    }

    [Fact]
    public async Task Escalate_ChildFails_GrandparentDecidesWithChildsException()
    {
        var probe = CreateTestProbe();
        var grandparentStrategy = new OneForOneStrategy(exception =>
        {
            probe.Tell($"decided: {exception.Message}");
            return Directive.Restart;
        });
        var middle = Recorder.Props("leaf", probe, failOn: 7);
        var parentProps = Supervisor.Props(middle, new OneForOneStrategy(_ => Directive.Escalate));
        var grandparent = Sys.ActorOf(Supervisor.Props(parentProps, grandparentStrategy), "grand");
        await probe.ExpectMsgAsync(new Started("leaf", 1));
        var leaf = Sys.Resolve(ActorPath.Parse("/user/grand/child/child"));

        leaf.Tell(7);

        await probe.ExpectMsgAsync("decided: leaf fails on 7");
        // The parent restarts: its default PreRestart stops the old leaf, its new instance makes a new one.
        await probe.ExpectMsgAsync<Stopped>();
        await probe.ExpectMsgAsync(new Started("leaf", 2));
        Assert.NotSame(leaf, Sys.Resolve(ActorPath.Parse("/user/grand/child/child")));
        Assert.Same(grandparent, Sys.Resolve(ActorPath.Parse("/user/grand")));
    }

    [Fact]
    public async Task Restart_MoreFailuresThanAllowedInWindow_ChildStops()
    {
        var probe = CreateTestProbe();
        var strategy = new OneForOneStrategy(2, TimeSpan.FromMinutes(1), _ => Directive.Restart);
        var child = await SpawnSupervised(Recorder.Props("c", probe, failOn: 0), strategy);
        await probe.ExpectMsgAsync<Started>();
        probe.Watch(child);

        child.Tell(0);
        await probe.ExpectMsgAsync<Restarting>();
        await probe.ExpectMsgAsync<Stopped>();
        await probe.ExpectMsgAsync<Restarted>();
        child.Tell(0);
        await probe.ExpectMsgAsync<Restarting>();
        await probe.ExpectMsgAsync<Stopped>();
        await probe.ExpectMsgAsync<Restarted>();
        child.Tell(0);

        await probe.ExpectMsgAsync<Stopped>();
        await probe.ExpectTerminatedAsync(child);
    }

    [Fact]
    public async Task Start_ConstructorThrows_ActorStopsByDefault()
    {
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Props.Create<Broken>());

        probe.Watch(actor);

        await probe.ExpectTerminatedAsync(actor);
    }

    [Fact]
    public async Task Kill_Actor_StopsByDefault()
    {
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Recorder.Props("k", probe));
        await probe.ExpectMsgAsync<Started>();
        probe.Watch(actor);

        actor.Tell(Kill.Instance);

        await probe.ExpectMsgAsync<Stopped>();
        await probe.ExpectTerminatedAsync(actor);
    }

    private async Task<IActorRef> SpawnSupervised(Props child, SupervisorStrategy strategy)
    {
        var parent = Sys.ActorOf(Supervisor.Props(child, strategy));
        return await parent.Ask<IActorRef>(new GetChild(), s_timeout);
    }

    private sealed class Counter : ReceiveActor
    {
        private int _count;

        public Counter()
        {
            Receive<string>(_ => _count++, s => s == "inc");
            Receive<string>(_ => throw new InvalidOperationException("told to fail"), s => s == "fail");
            Receive<string>(_ => Sender.Tell(_count), s => s == "get");
        }
    }

    private sealed class Broken : ReceiveActor
    {
        public Broken() => throw new InvalidOperationException("cannot start");
    }
}
