using Microsoft.Extensions.Logging;

namespace MultiTeacher.Actors.Tests;

public sealed class MailboxTests() : TestKitBase(options: new ActorSystemOptions { LoggerFactory = s_logs })
{
    private static readonly ListLoggerFactory s_logs = new();

    [Fact]
    public async Task TellAsync_BoundedBackPressureMailboxFull_WaitsForRoom()
    {
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Recorder.Props("b", probe).WithMailbox(MailboxOptions.Bounded(2)));
        await probe.ExpectMsgAsync<Started>();
        var gate = new TaskCompletionSource();
        await actor.TellAsync(new Block(gate));
        await probe.ExpectMsgAsync<Blocked>();
        await actor.TellAsync(1);
        await actor.TellAsync(2);

        var third = actor.TellAsync(3).AsTask();
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        Assert.False(third.IsCompleted);
        gate.SetResult();

        await third;
        await probe.ExpectMsgAsync<Unblocked>();
        await probe.ExpectMsgAsync(new Handled(1, 1));
        await probe.ExpectMsgAsync(new Handled(2, 1));
        await probe.ExpectMsgAsync(new Handled(3, 1));
        Assert.Equal(0, Sys.DeadLetters.Count);
    }

    [Fact]
    public async Task Tell_BoundedMailboxFull_DeadLettersTheMessage()
    {
        var probe = CreateTestProbe();
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters);
        var actor = Sys.ActorOf(Recorder.Props("b", probe).WithMailbox(MailboxOptions.Bounded(1, MailboxOverflow.DeadLetter)));
        await probe.ExpectMsgAsync<Started>();
        var gate = new TaskCompletionSource();
        actor.Tell(new Block(gate));
        await probe.ExpectMsgAsync<Blocked>();

        actor.Tell(1, probe);
        await actor.TellAsync(2, probe);
        actor.Tell(3, probe);

        var first = await deadLetters.ExpectMsgAsync<DeadLetter>();
        var second = await deadLetters.ExpectMsgAsync<DeadLetter>();
        Assert.Equal([2, 3], new[] { first.Message, second.Message });
        Assert.Same(actor, first.Recipient);
        Assert.Same(probe, first.Sender);
        gate.SetResult();
        await probe.ExpectMsgAsync<Unblocked>();
        await probe.ExpectMsgAsync(new Handled(1, 1));
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, Sys.DeadLetters.Count);
    }

    [Fact]
    public async Task DeadLetter_MessageToStoppedActor_LoggedWithSenderTargetAndType()
    {
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Recorder.Props("gone", probe), "gone");
        probe.Watch(actor);
        Sys.Stop(actor);
        await probe.ExpectMsgAsync<Started>();
        await probe.ExpectMsgAsync<Stopped>();
        await probe.ExpectTerminatedAsync(actor);

        actor.Tell(new Stopped("letter"), probe);

        Assert.Equal(1, Sys.DeadLetters.Count);
        var line = Assert.Single(s_logs.Lines, l => l.Contains("/user/gone", StringComparison.Ordinal));
        Assert.Contains(nameof(Stopped), line, StringComparison.Ordinal);
        Assert.Contains(probe.Path.ToString(), line, StringComparison.Ordinal);
    }

    /// <summary>Collects formatted log lines of every logger.</summary>
    private sealed class ListLoggerFactory : ILoggerFactory, ILogger
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => this;

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add(formatter(state, exception));
            }
        }
    }
}
