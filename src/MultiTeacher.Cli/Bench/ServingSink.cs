using Akka.Actor;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Students;

namespace MultiTeacher.Cli.Bench;

/// <summary>
/// The aggregator and student of a serving benchmark in one: it counts the teacher outputs of its run (messages,
/// rows, bytes) and, once a shard has every teacher's output, tells the coordinator it is trained at once, so the run
/// goes as fast as its teachers serve. Its coordinator reports the end to it.
/// </summary>
internal sealed class ServingSink : ReceiveActor
{
    private readonly Dictionary<int, HashSet<string>> _outputs = [];
    private IActorRef _coordinator = ActorRefs.Nobody;
    private long _messages;
    private long _rows;
    private long _bytes;

    public ServingSink(string runId, int teachers, TaskCompletionSource<ServingTotals> done)
    {
        Receive<SinkCoordinator>(c => _coordinator = c.Coordinator);
        Receive<ExpectShard>(_ => { });
        Receive<TeacherOutput>(o =>
        {
            var got = _outputs.TryGetValue(o.Sequence, out var set) ? set : _outputs[o.Sequence] = new HashSet<string>(StringComparer.Ordinal);
            if (!got.Add(o.TeacherId))
            {
                return;
            }

            (_messages, _rows, _bytes) = (_messages + 1, _rows + o.Rows, _bytes + ((long)o.Logits.Length * sizeof(float)));
            if (got.Count == teachers)
            {
                _outputs.Remove(o.Sequence);
                _coordinator.Tell(new ShardTrained(runId, o.Shard, o.Sequence, new ShardResult(o.Rows, 0, 0, 0)));
            }
        }, o => o.RunId == runId);
        Receive<RunCompleted>(_ => done.TrySetResult(new ServingTotals(_messages, _rows, _bytes)));
        Receive<RunFailed>(f => done.TrySetException(new InvalidOperationException(f.Reason)));
        Receive<RunProgress>(_ => { });
    }

    public static Props Props(string runId, int teachers, TaskCompletionSource<ServingTotals> done) =>
        Akka.Actor.Props.Create(() => new ServingSink(runId, teachers, done)).WithDeploy(Deploy.Local);
}

/// <summary>Tells a <see cref="ServingSink"/> its run's coordinator.</summary>
internal sealed record SinkCoordinator(IActorRef Coordinator);

/// <summary>What a serving run delivered: teacher outputs, their rows and logit bytes.</summary>
internal sealed record ServingTotals(long Messages, long Rows, long Bytes)
{
    /// <summary>The totals of two runs together.</summary>
    public ServingTotals Plus(ServingTotals other) => new(Messages + other.Messages, Rows + other.Rows, Bytes + other.Bytes);
}

/// <summary>
/// Passes everything to the coordinator but <see cref="BeginRun"/>: the benchmark begins the run itself, once every
/// replica it waits for has registered.
/// </summary>
internal sealed class BeginGate : ReceiveActor
{
    public BeginGate(IActorRef coordinator)
    {
        Receive<BeginRun>(_ => { });
        ReceiveAny(m => coordinator.Forward(m));
    }

    public static Props Props(IActorRef coordinator) => Akka.Actor.Props.Create(() => new BeginGate(coordinator));
}
