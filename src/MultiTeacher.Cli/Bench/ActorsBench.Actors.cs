using MultiTeacher.Actors;

namespace MultiTeacher.Cli.Bench;

/// <summary>The actors and messages of <c>mt bench actors</c>.</summary>
internal static partial class ActorsBench
{
    private sealed record Expect(int Count, TaskCompletionSource Done);

    private sealed record Go(int Count, TaskCompletionSource<long> Allocated);

    private sealed record Serve(IActorRef Partner, int RoundTrips, TaskCompletionSource Done);

    /// <summary>The message of the hot loops: one instance, so the loop itself allocates nothing.</summary>
    private sealed class Payload
    {
        public static Payload Instance { get; } = new();
    }

    private sealed class Ball
    {
        public static Ball Instance { get; } = new();
    }

    /// <summary>Counts payloads and completes a task when the expected number arrived.</summary>
    private sealed class Counter : ReceiveActor
    {
        private int _remaining;
        private TaskCompletionSource? _done;

        public Counter()
        {
            Receive<Payload>(_ =>
            {
                if (--_remaining == 0)
                {
                    _done!.TrySetResult();
                }
            });
            Receive<Expect>(expect =>
            {
                _remaining = expect.Count;
                _done = expect.Done;
            });
        }
    }

    /// <summary>Tells its target N payloads in one handler and reports the bytes it allocated doing so.</summary>
    private sealed class Producer : ReceiveActor
    {
        public Producer(IActorRef target)
        {
            Receive<Go>(go =>
            {
                var self = Self;
                var before = GC.GetAllocatedBytesForCurrentThread();
                for (var i = 0; i < go.Count; i++)
                {
                    target.Tell(Payload.Instance, self);
                }
                go.Allocated.TrySetResult(GC.GetAllocatedBytesForCurrentThread() - before);
            });
        }
    }

    /// <summary>Serves the ball to a partner and returns it until the rally is over.</summary>
    private sealed class Pinger : ReceiveActor
    {
        private int _remaining;
        private TaskCompletionSource? _done;

        public Pinger()
        {
            Receive<Ball>(ball =>
            {
                if (--_remaining == 0)
                {
                    _done!.TrySetResult();
                    return;
                }
                Sender.Tell(ball, Self);
            });
            Receive<Serve>(serve =>
            {
                _remaining = serve.RoundTrips;
                _done = serve.Done;
                serve.Partner.Tell(Ball.Instance, Self);
            });
        }
    }

    /// <summary>Sends every ball back to its sender.</summary>
    private sealed class Ponger : ReceiveActor
    {
        public Ponger()
        {
            Receive<Ball>(ball => Sender.Tell(ball, Self));
        }
    }
}
