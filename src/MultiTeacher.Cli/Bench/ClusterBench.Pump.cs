using System.Diagnostics;
using MultiTeacher.Actors;
using MultiTeacher.Cluster;
using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Cli.Bench;

/// <summary>The driver side of <c>mt bench cluster</c>: an actor that keeps a fixed number of shards in flight.</summary>
internal static partial class ClusterBench
{
    /// <summary>
    /// Starts a round: requests of run <paramref name="RoundId"/> go to <paramref name="Teacher"/>, the figures to
    /// <paramref name="Done"/>. Outputs of earlier rounds that arrive late are ignored.
    /// </summary>
    private sealed record StartPump(IActorRef Teacher, string RoundId, PumpPlan Plan, TaskCompletionSource<PumpResult> Done);

    /// <summary>What a round measured: rows and shards answered in the window, and the driver's broker counters around it.</summary>
    private sealed record PumpResult(long Rows, long Shards, double Seconds, TransportCounters? Before, TransportCounters? After);

    /// <summary>How a pump runs: requests in flight, warm-up, measured window.</summary>
    private sealed record PumpPlan(int InFlight, TimeSpan WarmUp, int WarmUpOutputs, TimeSpan Window);

    /// <summary>
    /// Sends <see cref="ShardRequest"/>s to a teacher (an actor here, or a work queue on the broker), keeping
    /// <see cref="PumpPlan.InFlight"/> unanswered, and sends the next one for every <see cref="TeacherOutput"/> of the
    /// current round. Outputs of the warm-up are not counted; the window opens at the first output after it and closes
    /// at the first output after <see cref="PumpPlan.Window"/>, so it spans whole shards. The round's result is given
    /// once every request sent has been answered.
    /// </summary>
    private sealed class ShardPump : ReceiveActor
    {
        private readonly ShardPlanner _planner;
        private readonly Func<TransportCounters?> _counters;
        private string _runId = "";
        private PumpPlan _plan = new(1, TimeSpan.Zero, 1, TimeSpan.Zero);
        private IActorRef? _teacher;
        private TaskCompletionSource<PumpResult>? _done;
        private ShardPlan _epoch;
        private int _nextShard;
        private int _sequence;
        private long _started;
        private int _warmUpOutputs;
        private long _windowStart;
        private TransportCounters? _before;
        private long _rows;
        private long _shards;
        private int _outstanding;
        private PumpResult? _result;

        public ShardPump(ShardPlanner planner, Func<TransportCounters?> counters)
        {
            _planner = planner;
            _counters = counters;
            _epoch = planner.ForEpoch(0);
            Receive<StartPump>(Start);
            Receive<TeacherOutput>(OnOutput);
        }

        /// <summary>A pump; <paramref name="counters"/> reads the driver's broker counters (null without a broker).</summary>
        public static Props Props(ShardPlanner planner, Func<TransportCounters?> counters) =>
            Actors.Props.Create(() => new ShardPump(planner, counters));

        private void Start(StartPump start)
        {
            _teacher = start.Teacher;
            _runId = start.RoundId;
            _plan = start.Plan;
            _done = start.Done;
            _started = Stopwatch.GetTimestamp();
            _warmUpOutputs = 0;
            _windowStart = 0;
            _before = null;
            _rows = 0;
            _shards = 0;
            _outstanding = 0;
            _result = null;
            for (var i = 0; i < _plan.InFlight; i++)
            {
                SendNext();
            }
        }

        private void OnOutput(TeacherOutput output)
        {
            if (_done is null || _done.Task.IsCompleted || output.RunId != _runId)
            {
                return;
            }

            _outstanding--;
            if (_result is not null)
            {
                // The window has closed: the round ends once the requests still out have come back, so that the next
                // round starts on idle teachers.
                if (_outstanding == 0)
                {
                    _done.TrySetResult(_result);
                }

                return;
            }

            var now = Stopwatch.GetTimestamp();
            if (_windowStart == 0)
            {
                if (++_warmUpOutputs >= _plan.WarmUpOutputs && Stopwatch.GetElapsedTime(_started, now) >= _plan.WarmUp)
                {
                    _windowStart = now;
                    _before = _counters();
                }
            }
            else
            {
                _rows += output.Rows;
                _shards++;
                var elapsed = Stopwatch.GetElapsedTime(_windowStart, now);
                if (elapsed >= _plan.Window)
                {
                    _result = new PumpResult(_rows, _shards, elapsed.TotalSeconds, _before, _counters());
                    if (_outstanding == 0)
                    {
                        _done.TrySetResult(_result);
                    }

                    return;
                }
            }

            SendNext();
        }

        private void SendNext()
        {
            if (_nextShard == _epoch.Shards.Count)
            {
                _epoch = _planner.ForEpoch(_epoch.Epoch + 1);
                _nextShard = 0;
            }

            _outstanding++;
            _teacher!.Tell(new ShardRequest(_runId, _epoch.Shards[_nextShard++], _sequence++), Self);
        }
    }
}
