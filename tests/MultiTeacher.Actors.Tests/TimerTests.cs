namespace MultiTeacher.Actors.Tests;

public sealed class TimerTests() : TestKitBase(useFakeClock: true)
{
    private static readonly TimeSpan s_second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_quiet = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task ScheduleOnce_ClockPassesDelay_DeliversOnce()
    {
        var (probe, actor) = StartTicker();
        actor.Tell(new Schedule("once", Repeat: false, s_second));
        await probe.ExpectMsgAsync<Scheduled>();

        Clock.Advance(TimeSpan.FromMilliseconds(999));
        await probe.ExpectNoMsgAsync(s_quiet);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        await probe.ExpectMsgAsync(new Tick("once"));
        Clock.Advance(TimeSpan.FromSeconds(10));

        await probe.ExpectNoMsgAsync(s_quiet);
    }

    [Fact]
    public async Task ScheduleRepeatedly_ClockAdvanced_DeliversEveryInterval()
    {
        var (probe, actor) = StartTicker();
        actor.Tell(new Schedule("tick", Repeat: true, s_second));
        await probe.ExpectMsgAsync<Scheduled>();

        Clock.Advance(TimeSpan.FromSeconds(3));

        for (var i = 0; i < 3; i++)
        {
            await probe.ExpectMsgAsync(new Tick("tick"));
        }
        await probe.ExpectNoMsgAsync(s_quiet);
    }

    [Fact]
    public async Task Cancel_TimerMessageAlreadyQueued_IsNotHandled()
    {
        var (probe, actor) = StartTicker();
        actor.Tell(new Schedule("once", Repeat: false, s_second));
        await probe.ExpectMsgAsync<Scheduled>();
        var gate = new TaskCompletionSource();
        actor.Tell(new Block(gate));
        await probe.ExpectMsgAsync<Blocked>();
        actor.Tell(new CancelTimer("once"));

        Clock.Advance(s_second);
        gate.SetResult();

        await probe.ExpectMsgAsync<Unblocked>();
        await probe.ExpectMsgAsync<Cancelled>();
        await probe.ExpectNoMsgAsync(s_quiet);
    }

    [Fact]
    public async Task Stop_ActorWithTimers_AllTimersCancelled()
    {
        var (probe, actor) = StartTicker();
        actor.Tell(new Schedule("a", Repeat: true, s_second));
        actor.Tell(new Schedule("b", Repeat: false, s_second));
        await probe.ExpectMsgAsync<Scheduled>();
        await probe.ExpectMsgAsync<Scheduled>();
        Assert.Equal(2, Clock.PendingTimers);
        probe.Watch(actor);

        Sys.Stop(actor);
        await probe.ExpectTerminatedAsync(actor);
        Clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(0, Clock.PendingTimers);
        await probe.ExpectNoMsgAsync(s_quiet);
    }

    [Fact]
    public async Task Schedule_SameKeyTwice_ReplacesTheFirstTimer()
    {
        var (probe, actor) = StartTicker();
        actor.Tell(new Schedule("k", Repeat: false, s_second));
        actor.Tell(new Schedule("k", Repeat: false, TimeSpan.FromSeconds(3)));
        await probe.ExpectMsgAsync<Scheduled>();
        await probe.ExpectMsgAsync<Scheduled>();

        Clock.Advance(TimeSpan.FromSeconds(2));
        await probe.ExpectNoMsgAsync(s_quiet);
        Clock.Advance(s_second);

        await probe.ExpectMsgAsync(new Tick("k"));
    }

    private (TestProbe Probe, IActorRef Actor) StartTicker()
    {
        var probe = CreateTestProbe();
        return (probe, Sys.ActorOf(Props.Create(() => new Ticker(probe))));
    }

    private sealed record Schedule(string Key, bool Repeat, TimeSpan Interval);

    private sealed record Scheduled;

    private sealed record CancelTimer(string Key);

    private sealed record Cancelled;

    private sealed record Tick(string Key);

    private sealed class Ticker : ReceiveActor
    {
        public Ticker(IActorRef probe)
        {
            Receive<Schedule>(s =>
            {
                if (s.Repeat)
                {
                    Context.Timers.ScheduleRepeatedly(s.Key, new Tick(s.Key), s.Interval, s.Interval);
                }
                else
                {
                    Context.Timers.ScheduleOnce(s.Key, new Tick(s.Key), s.Interval);
                }
                probe.Tell(new Scheduled());
            });
            Receive<CancelTimer>(c =>
            {
                Context.Timers.Cancel(c.Key);
                probe.Tell(new Cancelled());
            });
            Receive<Block>(async block =>
            {
                probe.Tell(new Blocked("ticker"));
                await block.Gate.Task;
                probe.Tell(new Unblocked("ticker"));
            });
            Receive<Tick>(t => probe.Tell(t));
        }
    }
}
