namespace MultiTeacher.Actors.Tests;

public sealed class DeathWatchTests : TestKitBase
{
    [Fact]
    public async Task Watch_TwiceThenStop_TerminatedDeliveredOnce()
    {
        var probe = CreateTestProbe();
        var target = Sys.ActorOf(Recorder.Props("t", probe));
        await probe.ExpectMsgAsync<Started>();
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(probe)));
        watcher.Tell(new WatchIt(target));
        watcher.Tell(new WatchIt(target));
        await probe.ExpectMsgAsync<Watching>();
        await probe.ExpectMsgAsync<Watching>();

        Sys.Stop(target);

        await probe.ExpectMsgAsync<Stopped>();
        var terminated = await probe.ExpectMsgAsync<Terminated>();
        Assert.Same(target, terminated.ActorRef);
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Watch_AlreadyDeadActor_TerminatedDeliveredOnce()
    {
        var probe = CreateTestProbe();
        var target = Sys.ActorOf(Recorder.Props("t", probe));
        probe.Watch(target);
        Sys.Stop(target);
        await probe.ExpectMsgAsync<Started>();
        await probe.ExpectMsgAsync<Stopped>();
        await probe.ExpectTerminatedAsync(target);
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(probe)));

        watcher.Tell(new WatchIt(target));

        await probe.ExpectMsgAsync<Watching>();
        Assert.Same(target, (await probe.ExpectMsgAsync<Terminated>()).ActorRef);
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Watch_ProbeWatchesDeadPath_TerminatedDelivered()
    {
        var probe = CreateTestProbe();
        var nobody = Sys.Resolve(ActorPath.Parse("/user/nobody"));

        probe.Watch(nobody);

        Assert.Equal(nobody, (await probe.ExpectMsgAsync<Terminated>()).ActorRef);
    }

    [Fact]
    public async Task Unwatch_BeforeStop_NoTerminated()
    {
        var probe = CreateTestProbe();
        var target = Sys.ActorOf(Recorder.Props("t", probe));
        await probe.ExpectMsgAsync<Started>();
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(probe)));
        watcher.Tell(new WatchIt(target));
        await probe.ExpectMsgAsync<Watching>();

        watcher.Tell(new UnwatchIt(target));
        await probe.ExpectMsgAsync<Unwatching>();
        Sys.Stop(target);

        await probe.ExpectMsgAsync<Stopped>();
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Watch_TerminatedNotHandled_WatcherFailsWithDeathPactAndStops()
    {
        var probe = CreateTestProbe();
        var target = Sys.ActorOf(Recorder.Props("t", probe));
        await probe.ExpectMsgAsync<Started>();
        var watcher = Sys.ActorOf(Props.Create(() => new CarelessWatcher(target)));
        probe.Watch(watcher);

        Sys.Stop(target);

        await probe.ExpectMsgAsync<Stopped>();
        await probe.ExpectTerminatedAsync(watcher);
    }

    [Fact]
    public async Task Watch_TestProbeStops_WatcherReceivesTerminatedWithTheProbe()
    {
        var probe = CreateTestProbe();
        var victim = CreateTestProbe();
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(probe)));
        watcher.Tell(new WatchIt(victim));
        await probe.ExpectMsgAsync<Watching>();

        Sys.Stop(victim);

        Assert.Same(victim, (await probe.ExpectMsgAsync<Terminated>()).ActorRef);
    }

    [Fact]
    public async Task Watch_WatcheeSendsThenStops_TerminatedArrivesAfterItsMessages()
    {
        var probe = CreateTestProbe();
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(probe)));
        var talker = Sys.ActorOf(Props.Create(() => new LastWords(watcher)));
        watcher.Tell(new WatchIt(talker));
        await probe.ExpectMsgAsync<Watching>();

        talker.Tell("speak");

        for (var i = 0; i < 100; i++)
        {
            await probe.ExpectMsgAsync(i);
        }
        Assert.Same(talker, (await probe.ExpectMsgAsync<Terminated>()).ActorRef);
    }

    private sealed record WatchIt(IActorRef Target);

    private sealed record UnwatchIt(IActorRef Target);

    private sealed record Watching;

    private sealed record Unwatching;

    private sealed class Watcher : ReceiveActor
    {
        public Watcher(IActorRef probe)
        {
            Receive<WatchIt>(m =>
            {
                Context.Watch(m.Target);
                probe.Tell(new Watching());
            });
            Receive<UnwatchIt>(m =>
            {
                Context.Unwatch(m.Target);
                probe.Tell(new Unwatching());
            });
            Receive<Terminated>(t => probe.Tell(t));
            Receive<int>(n => probe.Tell(n));
        }
    }

    /// <summary>On "speak", tells its listener 0..99 and stops itself.</summary>
    private sealed class LastWords : ReceiveActor
    {
        public LastWords(IActorRef listener)
        {
            Receive<string>(_ =>
            {
                for (var i = 0; i < 100; i++)
                {
                    listener.Tell(i, Self);
                }
                Context.Stop(Self);
            });
        }
    }

    private sealed class CarelessWatcher : ReceiveActor
    {
        public CarelessWatcher(IActorRef target)
        {
            Context.Watch(target);
        }
    }
}
