using System.Diagnostics;
using MultiTeacher.Actors;
using MultiTeacher.Cluster;
using MultiTeacher.Core.Data;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Cli.Bench;

/// <summary>The driver side of <c>mt bench cluster</c>: an actor that keeps a fixed number of shards in flight.</summary>
internal static partial class ClusterBench
{
    /// <summary>Starts the pump: requests go to <paramref name="Teacher"/>, the figures to <paramref name="Done"/>.</summary>
    private sealed record StartPump(IActorRef Teacher, TaskCompletionSource<PumpResult> Done);

    /// <summary>What a pump measured: rows and shards answered in the window, and the driver's broker counters around it.</summary>
    private sealed record PumpResult(long Rows, long Shards, double Seconds, TransportCounters? Before, TransportCounters? After)
    {
        public double SamplesPerSecond => Rows / Seconds;
    }

    /// <summary>How a pump runs: requests in flight, warm-up, measured window.</summary>
    private sealed record PumpPlan(int InFlight, TimeSpan WarmUp, int WarmUpOutputs, TimeSpan Window);

    /// <summary>
    /// Sends <see cref="ShardRequest"/>s to a teacher (an actor here, or a work queue on the broker), keeping
    /// <see cref="PumpPlan.InFlight"/> unanswered, and sends the next one for every <see cref="TeacherOutput"/>.
    /// Outputs of the warm-up are not counted; the window opens at the first output after it and closes at the first
    /// output after <see cref="PumpPlan.Window"/>, so it spans whole shards.
    /// </summary>
    private sealed class ShardPump : ReceiveActor
    {
        private readonly ShardPlanner _planner;
        private readonly string _runId;
        private readonly PumpPlan _plan;
        private readonly Func<TransportCounters?> _counters;
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

        public ShardPump(ShardPlanner planner, string runId, PumpPlan plan, Func<TransportCounters?> counters)
        {
            _planner = planner;
            _runId = runId;
            _plan = plan;
            _counters = counters;
            _epoch = planner.ForEpoch(0);
            Receive<StartPump>(Start);
            Receive<TeacherOutput>(OnOutput);
        }

        public static Props Props(ShardPlanner planner, string runId, PumpPlan plan, Func<TransportCounters?> counters) =>
            Actors.Props.Create(() => new ShardPump(planner, runId, plan, counters));

        private void Start(StartPump start)
        {
            _teacher = start.Teacher;
            _done = start.Done;
            _started = Stopwatch.GetTimestamp();
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
                    _done.TrySetResult(new PumpResult(_rows, _shards, elapsed.TotalSeconds, _before, _counters()));
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

            _teacher!.Tell(new ShardRequest(_runId, _epoch.Shards[_nextShard++], _sequence++), Self);
        }
    }
}
