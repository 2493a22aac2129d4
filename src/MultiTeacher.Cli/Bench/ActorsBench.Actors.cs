using Akka.Actor;

namespace MultiTeacher.Cli.Bench;

/// <summary>The actors and messages of <c>mt bench actors</c>.</summary>
internal static partial class ActorsBench
{
    // The measured messages are plain records that Hyperion serializes; the control messages carry a task to complete
    // in this process and are exempt from serialize-messages.

    private sealed record Floats(float[] Values);

    private sealed record Ball
    {
        public static Ball Instance { get; } = new();
    }

    private sealed record Expect(int Count, TaskCompletionSource Done) : INoSerializationVerificationNeeded;

    private sealed record Go(int Count, Floats Message) : INoSerializationVerificationNeeded;

    private sealed record Serve(IActorRef Partner, int RoundTrips, TaskCompletionSource Done) : INoSerializationVerificationNeeded;

    /// <summary>Counts messages and completes a task when the expected number arrived.</summary>
    private sealed class Counter : ReceiveActor
    {
        private int _remaining;
        private TaskCompletionSource? _done;

        public Counter()
        {
            Receive<Floats>(_ =>
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

    /// <summary>Tells its target the same message N times in one handler (with serialize-messages on, each Tell serializes it).</summary>
    private sealed class Producer : ReceiveActor
    {
        public Producer(IActorRef target)
        {
            Receive<Go>(go =>
            {
                var self = Self;
                for (var i = 0; i < go.Count; i++)
                {
                    target.Tell(go.Message, self);
                }
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
