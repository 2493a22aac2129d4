using MultiTeacher.Actors.Transport;

namespace MultiTeacher.Actors.Tests;

public sealed class InboundDeliveryTests : TestKitBase
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task DeliverInbound_SyncHandlerReturns_Handled()
    {
        var probe = CreateTestProbe();
        var delivery = new RecordingDelivery();

        Sys.DeliverInbound(probe, new Work("a"), null, delivery);

        Assert.Equal(new Work("a"), await probe.ExpectMsgAsync<Work>());
        Assert.Equal("handled", await delivery.Outcome.WaitAsync(s_timeout));
    }

    [Fact]
    public async Task DeliverInbound_AttachedWorkPending_HandledOnlyWhenItCompletes()
    {
        var work = new TaskCompletionSource();
        var actor = Sys.ActorOf(Props.Create(() => new Attacher(work.Task)));
        var delivery = new RecordingDelivery();

        Sys.DeliverInbound(actor, new Work("a"), null, delivery);
        await Task.Delay(100);
        Assert.False(delivery.Outcome.IsCompleted);
        work.SetResult();

        Assert.Equal("handled", await delivery.Outcome.WaitAsync(s_timeout));
    }

    [Fact]
    public async Task DeliverInbound_AttachedWorkFails_Failed()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Attacher(Task.FromException(new IOException("nack")))));
        var delivery = new RecordingDelivery();

        Sys.DeliverInbound(actor, new Work("a"), null, delivery);

        Assert.Equal("failed: nack", await delivery.Outcome.WaitAsync(s_timeout));
    }

    [Fact]
    public async Task DeliverInbound_HandlerThrows_Failed()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Thrower()));
        var delivery = new RecordingDelivery();

        Sys.DeliverInbound(actor, new Work("boom"), null, delivery);

        Assert.Equal("failed: boom", await delivery.Outcome.WaitAsync(s_timeout));
    }

    [Fact]
    public async Task DeliverInbound_AsyncHandler_ContextFlowsAcrossAwaitAndHandledAfterTask()
    {
        var release = new TaskCompletionSource();
        var actor = Sys.ActorOf(Props.Create(() => new AsyncAttacher(release.Task)));
        var delivery = new RecordingDelivery();

        Sys.DeliverInbound(actor, new Work("a"), null, delivery);
        await Task.Delay(100);
        Assert.False(delivery.Outcome.IsCompleted);
        release.SetResult();

        Assert.Equal("handled", await delivery.Outcome.WaitAsync(s_timeout));
        Assert.True(await actor.Ask<bool>(new Query(), s_timeout));
    }

    [Fact]
    public async Task DeferDelivery_CompletedLater_HandledOnlyThen()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Deferrer()));
        var delivery = new RecordingDelivery();

        Sys.DeliverInbound(actor, new Work("a"), null, delivery);
        await actor.Ask<bool>(new Query(), s_timeout);
        Assert.False(delivery.Outcome.IsCompleted);
        actor.Tell(new Settle(Reject: null));

        Assert.Equal("handled", await delivery.Outcome.WaitAsync(s_timeout));
    }

    [Fact]
    public async Task DeferDelivery_Rejected_RejectedWithReason()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Deferrer()));
        var delivery = new RecordingDelivery();

        Sys.DeliverInbound(actor, new Work("a"), null, delivery);
        actor.Tell(new Settle(Reject: "duplicate"));

        Assert.Equal("rejected: duplicate", await delivery.Outcome.WaitAsync(s_timeout));
    }

    [Fact]
    public async Task DeferDelivery_CompletedInsideAnotherInboundHandler_WaitsForThatHandlersWork()
    {
        var work = new TaskCompletionSource();
        var actor = Sys.ActorOf(Props.Create(() => new Deferrer(work.Task)));
        var first = new RecordingDelivery();
        var second = new RecordingDelivery();

        Sys.DeliverInbound(actor, new Work("a"), null, first);
        Sys.DeliverInbound(actor, new Settle(Reject: null), null, second);
        await Task.Delay(100);
        Assert.False(first.Outcome.IsCompleted);
        Assert.False(second.Outcome.IsCompleted);
        work.SetResult();

        Assert.Equal("handled", await first.Outcome.WaitAsync(s_timeout));
        Assert.Equal("handled", await second.Outcome.WaitAsync(s_timeout));
    }

    [Fact]
    public async Task DeferDelivery_LocalMessage_NoOpHandle()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Deferrer()));

        actor.Tell(new Work("local"));

        Assert.False(await actor.Ask<bool>(new Query(), s_timeout));
    }

    [Fact]
    public async Task DeliverInbound_StoppedRecipient_Failed()
    {
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Thrower()));
        probe.Watch(actor);
        Sys.Stop(actor);
        await probe.ExpectTerminatedAsync(actor);
        var delivery = new RecordingDelivery();

        Sys.DeliverInbound(actor, new Work("a"), null, delivery);

        Assert.StartsWith("failed:", await delivery.Outcome.WaitAsync(s_timeout), StringComparison.Ordinal);
    }

    private sealed record Work(string Text);

    private sealed record Query;

    private sealed record Settle(string? Reject);

    private sealed class RecordingDelivery : IInboundDelivery
    {
        private readonly TaskCompletionSource<string> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> Outcome => _outcome.Task;

        public void Handled() => Set("handled");

        public void Failed(Exception error) => Set("failed: " + error.Message);

        public void Rejected(string reason) => Set("rejected: " + reason);

        private void Set(string outcome)
        {
            if (!_outcome.TrySetResult(outcome))
            {
                throw new InvalidOperationException($"second outcome {outcome} after {_outcome.Task.Result}");
            }
        }
    }

    private sealed class Attacher : ReceiveActor
    {
        public Attacher(Task work) => Receive<Work>(_ => Assert.True(DeliveryContext.Current!.Attach(work)));
    }

    private sealed class AsyncAttacher : ReceiveActor
    {
        private bool _flowed;

        public AsyncAttacher(Task release)
        {
            Receive<Work>(async _ =>
            {
                var before = DeliveryContext.Current;
                await release;
                _flowed = before is not null && ReferenceEquals(before, DeliveryContext.Current);
            });
            Receive<Query>(_ => Sender.Tell(_flowed));
        }
    }

    private sealed class Thrower : ReceiveActor
    {
        public Thrower() => Receive<Work>(work => throw new InvalidOperationException(work.Text));
    }

    private sealed class Deferrer : ReceiveActor
    {
        private DeferredDelivery? _deferred;

        public Deferrer(Task? settleWork = null)
        {
            Receive<Work>(_ => _deferred = Context.DeferDelivery());
            Receive<Query>(_ => Sender.Tell(_deferred?.IsTransported ?? false));
            Receive<Settle>(settle =>
            {
                if (settleWork is not null)
                {
                    DeliveryContext.Current!.Attach(settleWork);
                }
                if (settle.Reject is null)
                {
                    _deferred!.Complete();
                }
                else
                {
                    _deferred!.Reject(settle.Reject);
                }
            });
        }
    }
}
