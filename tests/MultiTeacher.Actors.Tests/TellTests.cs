namespace MultiTeacher.Actors.Tests;

public sealed class TellTests : TestKitBase
{
    private static readonly TimeSpan s_long = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Tell_ConcurrentSenders_EachSendersMessagesArriveInOrder()
    {
        const int Senders = 4;
        const int PerSender = 25_000;
        var probe = CreateTestProbe();
        var checker = Sys.ActorOf(Props.Create(() => new OrderChecker(Senders * PerSender, probe)));

        await SendFromThreads(checker, Senders, PerSender);

        var result = await probe.ExpectMsgAsync<OrderResult>(timeout: s_long);
        Assert.Equal(Senders * PerSender, result.Received);
        Assert.Equal(0, result.OutOfOrder);
    }

    [Fact]
    public async Task Tell_ConcurrentSendersToSyncHandler_OneMessageAtATime()
    {
        var actor = Sys.ActorOf(Props.Create(() => new TornStateDetector(yieldInside: false)));

        await SendFromThreads(actor, senders: 4, perSender: 20_000);

        var state = await actor.Ask<State>(new GetState(), s_long);
        Assert.Equal(80_000, state.Count);
        Assert.Equal(0, state.Overlaps);
    }

    [Fact]
    public async Task Tell_ConcurrentSendersToAsyncHandler_OneMessageAtATime()
    {
        var actor = Sys.ActorOf(Props.Create(() => new TornStateDetector(yieldInside: true)));

        await SendFromThreads(actor, senders: 4, perSender: 1_000);

        var state = await actor.Ask<State>(new GetState(), s_long);
        Assert.Equal(4_000, state.Count);
        Assert.Equal(0, state.Overlaps);
    }

    [Fact]
    public async Task Tell_OneMillionMessages_NoneLost()
    {
        const int Senders = 2;
        const int PerSender = 500_000;
        var probe = CreateTestProbe();
        var checker = Sys.ActorOf(Props.Create(() => new OrderChecker(Senders * PerSender, probe)));

        await SendFromThreads(checker, Senders, PerSender);

        var result = await probe.ExpectMsgAsync<OrderResult>(timeout: s_long);
        Assert.Equal(1_000_000, result.Received);
        Assert.Equal(0, result.OutOfOrder);
        Assert.Equal(0, Sys.DeadLetters.Count);
    }

    [Fact]
    public async Task Tell_ManyRoundTripsThroughIdleMailboxes_NoWakeUpLost()
    {
        // Each message finds its recipient idle: this exercises the idle/scheduled hand-over that a missing fence breaks.
        var probe = CreateTestProbe();
        var ponger = Sys.ActorOf(Props.Create(() => new Ponger()));
        var pinger = Sys.ActorOf(Props.Create(() => new Pinger(ponger, 50_000, probe)));

        pinger.Tell(0);

        await probe.ExpectMsgAsync("rally over", s_long);
        for (var i = 0; i < 20_000; i++)
        {
            Assert.Equal(i, await ponger.Ask<int>(i, s_long));
        }
    }

    [Fact]
    public async Task Tell_NoSender_SenderIsDeadLetters()
    {
        var probe = CreateTestProbe();
        var echo = Sys.ActorOf(Props.Create(() => new SenderReporter(probe)));

        echo.Tell("hello");

        var sender = await probe.ExpectMsgAsync<IActorRef>();
        Assert.Same(Sys.DeadLetters, sender);
    }

    [Fact]
    public async Task Tell_UnhandledMessage_PublishedOnEventStream()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe<UnhandledMessage>(probe);
        var actor = Sys.ActorOf(Props.Create(() => new SenderReporter(probe)));

        actor.Tell(42, probe);

        var unhandled = await probe.ExpectMsgAsync<UnhandledMessage>();
        Assert.Equal(42, unhandled.Message);
        Assert.Same(actor, unhandled.Recipient);
        Assert.Same(probe, unhandled.Sender);
    }

    private static Task SendFromThreads(IActorRef target, int senders, int perSender) =>
        Task.WhenAll(Enumerable.Range(0, senders).Select(sender => Task.Run(() =>
        {
            for (var i = 0; i < perSender; i++)
            {
                target.Tell(new Numbered(sender, i));
            }
        })));

    private sealed record OrderResult(int Received, int OutOfOrder);

    private sealed class OrderChecker : ReceiveActor
    {
        private readonly Dictionary<int, int> _next = [];
        private int _received;
        private int _outOfOrder;

        public OrderChecker(int expected, IActorRef probe)
        {
            Receive<Numbered>(message =>
            {
                _next.TryGetValue(message.Sender, out var next);
                if (message.Sequence != next)
                {
                    _outOfOrder++;
                }
                _next[message.Sender] = message.Sequence + 1;
                if (++_received == expected)
                {
                    probe.Tell(new OrderResult(_received, _outOfOrder));
                }
            });
        }
    }

    /// <summary>Counts with a read-modify-write that concurrent handling would tear, and detects overlapping handlers.</summary>
    private sealed class TornStateDetector : ReceiveActor
    {
        private int _inside;
        private int _count;
        private int _overlaps;

        public TornStateDetector(bool yieldInside)
        {
            if (yieldInside)
            {
                Receive<Numbered>(async _ =>
                {
                    Enter();
                    var count = _count;
                    await Task.Yield();
                    _count = count + 1;
                    Exit();
                });
            }
            else
            {
                Receive<Numbered>(_ =>
                {
                    Enter();
                    var count = _count;
                    Thread.SpinWait(20);
                    _count = count + 1;
                    Exit();
                });
            }
            Receive<GetState>(_ => Sender.Tell(new State(_count, _overlaps)));
        }

        private void Enter()
        {
            if (Interlocked.Increment(ref _inside) != 1)
            {
                Interlocked.Increment(ref _overlaps);
            }
        }

        private void Exit() => Interlocked.Decrement(ref _inside);
    }

    private sealed class Ponger : ReceiveActor
    {
        public Ponger()
        {
            Receive<int>(n => Sender.Tell(n, Self));
        }
    }

    private sealed class Pinger : ReceiveActor
    {
        public Pinger(IActorRef ponger, int rally, IActorRef probe)
        {
            Receive<int>(n =>
            {
                if (n == rally)
                {
                    probe.Tell("rally over");
                    return;
                }
                ponger.Tell(n + 1, Self);
            });
        }
    }

    private sealed class SenderReporter : ReceiveActor
    {
        public SenderReporter(IActorRef probe)
        {
            Receive<string>(_ => probe.Tell(Sender));
        }
    }
}
