namespace MultiTeacher.Actors.Tests;

public sealed class AskTests() : TestKitBase(useFakeClock: true)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Ask_ActorReplies_ReturnsTypedReply()
    {
        var responder = Sys.ActorOf(Props.Create(() => new Responder()));

        var reply = await responder.Ask<int>(new Question("answer"), s_timeout);

        Assert.Equal(42, reply);
    }

    [Fact]
    public async Task Ask_NoReplyWithinTimeout_ThrowsNamingTargetAndMessageType()
    {
        var responder = Sys.ActorOf(Props.Create(() => new Responder()), "silent");
        var ask = responder.Ask<int>(new Question("hold"), s_timeout);
        await WaitUntilHeld(responder);

        Clock.Advance(s_timeout);

        var exception = await Assert.ThrowsAsync<AskTimeoutException>(() => ask);
        Assert.Contains("/user/silent", exception.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Question), exception.Message, StringComparison.Ordinal);
        Assert.Equal(typeof(Question), exception.MessageType);
    }

    [Fact]
    public async Task Ask_ReplyAfterTimeout_GoesToDeadLetters()
    {
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters);
        var responder = Sys.ActorOf(Props.Create(() => new Responder()));
        var ask = responder.Ask<int>(new Question("hold"), s_timeout);
        await WaitUntilHeld(responder);
        Clock.Advance(s_timeout);
        await Assert.ThrowsAsync<AskTimeoutException>(() => ask);

        responder.Tell(new Question("release"));

        var deadLetter = await deadLetters.ExpectMsgAsync<DeadLetter>();
        Assert.Equal(7, deadLetter.Message);
        Assert.Same(responder, deadLetter.Sender);
        Assert.StartsWith("/temp/", deadLetter.Recipient.Path.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, Sys.DeadLetters.Count);
    }

    [Fact]
    public async Task Ask_StatusFailureReply_FaultsWithCause()
    {
        var responder = Sys.ActorOf(Props.Create(() => new Responder()));

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => responder.Ask<int>(new Question("fail"), s_timeout));

        Assert.Equal("no answer", exception.Message);
    }

    [Fact]
    public async Task Ask_ReplyOfWrongType_FaultsNamingBothTypes()
    {
        var responder = Sys.ActorOf(Props.Create(() => new Responder()));

        var exception = await Assert.ThrowsAsync<InvalidCastException>(() => responder.Ask<string>(new Question("answer"), s_timeout));

        Assert.Contains(nameof(String), exception.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Int32), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_Cancelled_TaskIsCancelled()
    {
        var responder = Sys.ActorOf(Props.Create(() => new Responder()));
        using var cancellation = new CancellationTokenSource();
        var ask = responder.Ask<int>(new Question("hold"), s_timeout, cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
    }

    [Fact]
    public async Task Ask_DeadTarget_TimesOutAndCountsDeadLetter()
    {
        var nobody = Sys.Resolve(ActorPath.Parse("/user/nobody"));
        var ask = nobody.Ask<int>(new Question("answer"), s_timeout);

        Clock.Advance(s_timeout);

        await Assert.ThrowsAsync<AskTimeoutException>(() => ask);
        Assert.Equal(1, Sys.DeadLetters.Count);
    }

    private static async Task WaitUntilHeld(IActorRef responder) =>
        Assert.True(await responder.Ask<bool>(new Question("holding?"), TimeSpan.FromDays(1)));

    private sealed record Question(string Text);

    private sealed class Responder : ReceiveActor
    {
        private IActorRef? _held;

        public Responder()
        {
            Receive<Question>(q =>
            {
                switch (q.Text)
                {
                    case "answer":
                        Sender.Tell(42);
                        break;
                    case "fail":
                        Sender.Tell(new Status.Failure(new InvalidOperationException("no answer")));
                        break;
                    case "hold":
                        _held = Sender;
                        break;
                    case "holding?":
                        Sender.Tell(_held is not null);
                        break;
                    case "release":
                        _held!.Tell(7, Self);
                        break;
                }
            });
        }
    }
}
