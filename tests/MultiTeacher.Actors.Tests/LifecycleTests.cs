namespace MultiTeacher.Actors.Tests;

public sealed class LifecycleTests : TestKitBase
{
    [Fact]
    public async Task Stop_ParentWithChildren_ChildrenStopBeforeParent()
    {
        var probe = CreateTestProbe();
        var parent = Sys.ActorOf(Props.Create(() => new Family(probe)), "parent");
        await probe.ExpectMsgAsync<Started>();
        await probe.ExpectMsgAsync<Started>();
        probe.Watch(parent);

        Sys.Stop(parent);

        var first = await probe.ExpectMsgAsync<Stopped>();
        var second = await probe.ExpectMsgAsync<Stopped>();
        Assert.Equal(["a", "b"], new[] { first.Actor, second.Actor }.Order());
        Assert.Equal("parent", (await probe.ExpectMsgAsync<Stopped>()).Actor);
        await probe.ExpectTerminatedAsync(parent);
    }

    [Fact]
    public async Task ActorOf_Child_PathNestsUnderParent()
    {
        var probe = CreateTestProbe();
        var parent = Sys.ActorOf(Props.Create(() => new Family(probe)), "teachers");
        await probe.ExpectMsgAsync<Started>();

        var child = await parent.Ask<IActorRef>(new GetChild(), TimeSpan.FromSeconds(3));

        Assert.Equal("/user/teachers/a", child.Path.ToString());
        Assert.Same(child, Sys.Resolve(ActorPath.Parse("/user/teachers/a")));
    }

    [Fact]
    public void ActorOf_NameTaken_Throws()
    {
        var probe = CreateTestProbe();
        Sys.ActorOf(Recorder.Props("x", probe), "x");

        Assert.Throws<ArgumentException>(() => Sys.ActorOf(Recorder.Props("x", probe), "x"));
        Assert.Throws<ArgumentException>(() => Sys.ActorOf(Recorder.Props("y", probe), "$y"));
        Assert.Throws<ArgumentException>(() => Sys.ActorOf(Recorder.Props("y", probe), "a/b"));
    }

    [Fact]
    public async Task PoisonPill_AfterMessages_HandlesEarlierMessagesThenStops()
    {
        var probe = CreateTestProbe();
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters);
        var actor = Sys.ActorOf(Recorder.Props("r", probe));
        probe.Watch(actor);
        await probe.ExpectMsgAsync<Started>();

        actor.Tell(1);
        actor.Tell(2);
        actor.Tell(PoisonPill.Instance);
        actor.Tell(3);

        Assert.Equal(1, (await probe.ExpectMsgAsync<Handled>()).Message);
        Assert.Equal(2, (await probe.ExpectMsgAsync<Handled>()).Message);
        await probe.ExpectMsgAsync<Stopped>();
        await probe.ExpectTerminatedAsync(actor);
        Assert.Equal(3, (await deadLetters.ExpectMsgAsync<DeadLetter>()).Message);
    }

    [Fact]
    public async Task GracefulStopAsync_QueuedMessages_HandlesThemThenStops()
    {
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Recorder.Props("r", probe));
        await probe.ExpectMsgAsync<Started>();
        var gate = new TaskCompletionSource();
        actor.Tell(new Block(gate));
        await probe.ExpectMsgAsync<Blocked>();
        actor.Tell(1);

        var stopping = actor.GracefulStopAsync(TimeSpan.FromSeconds(5));
        gate.SetResult();

        Assert.True(await stopping);
        await probe.ExpectMsgAsync<Unblocked>();
        await probe.ExpectMsgAsync(new Handled(1, 1));
        await probe.ExpectMsgAsync<Stopped>();
        Assert.Equal(0, Sys.DeadLetters.Count);
    }

    [Fact]
    public async Task Stop_WhileUserMessagesQueued_StopOvertakesThem()
    {
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Recorder.Props("r", probe));
        await probe.ExpectMsgAsync<Started>();
        var gate = new TaskCompletionSource();
        actor.Tell(new Block(gate));
        await probe.ExpectMsgAsync<Blocked>();
        actor.Tell(1);
        actor.Tell(2);
        probe.Watch(actor);

        Sys.Stop(actor);
        gate.SetResult();

        await probe.ExpectMsgAsync<Unblocked>();
        await probe.ExpectMsgAsync<Stopped>();
        await probe.ExpectTerminatedAsync(actor);
        Assert.Equal(2, Sys.DeadLetters.Count);
    }

    [Fact]
    public async Task Shutdown_WhileActorBusy_WaitsForHandlerThenStopsAndDeadLettersTheRest()
    {
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Recorder.Props("r", probe));
        await probe.ExpectMsgAsync<Started>();
        var gate = new TaskCompletionSource();
        actor.Tell(new Block(gate));
        await probe.ExpectMsgAsync<Blocked>();
        actor.Tell(1);

        var shutdown = Sys.ShutdownAsync();
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        Assert.False(shutdown.IsCompleted);
        gate.SetResult();
        await shutdown;

        await probe.ExpectMsgAsync<Unblocked>();
        await probe.ExpectMsgAsync<Stopped>();
        Assert.Equal(1, Sys.DeadLetters.Count);
        Assert.True(Sys.WhenTerminated.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => Sys.ActorOf(Recorder.Props("late", probe)));
    }

    [Fact]
    public async Task Become_SwitchesBehaviourForNextMessage()
    {
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Toggle()));

        actor.Tell("ping", probe);
        actor.Tell("toggle");
        actor.Tell("ping", probe);
        actor.Tell("unbecome");
        actor.Tell("ping", probe);

        await probe.ExpectMsgAsync("calm");
        await probe.ExpectMsgAsync("angry");
        await probe.ExpectMsgAsync("calm");
    }

    private sealed class Family : ReceiveActor
    {
        private readonly IActorRef _probe;

        public Family(IActorRef probe)
        {
            _probe = probe;
            var a = Context.ActorOf(Recorder.Props("a", probe), "a");
            Context.ActorOf(Recorder.Props("b", probe), "b");
            Receive<GetChild>(_ => Sender.Tell(a));
        }

        protected override void PostStop() => _probe.Tell(new Stopped("parent"));
    }

    private sealed class Toggle : ReceiveActor
    {
        public Toggle()
        {
            Receive<string>(_ => Sender.Tell("calm"), s => s == "ping");
            Receive<string>(_ => BecomeStacked(Angry), s => s == "toggle");
        }

        private void Angry()
        {
            Receive<string>(_ => Sender.Tell("angry"), s => s == "ping");
            Receive<string>(_ => UnbecomeStacked(), s => s == "unbecome");
        }
    }
}
