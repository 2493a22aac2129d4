using System.Globalization;
using Akka.Actor;
using Akka.Event;
using MultiTeacher.Core.Losses;

namespace MultiTeacher.Distillation.Pipeline;

/// <summary>
/// Collects every teacher's output for a shard (Akka's <c>DeviceGroupQuery</c> shape): it keeps one output per
/// (shard, teacher) — later copies are duplicates, even of another model version of that teacher, so the first version
/// seen per (shard, teacher) is the one averaged — rejects outputs that are malformed or not finite, and closes a
/// shard when every teacher has answered or its deadline passes, with the teachers it has (their weights renormalised)
/// and the missing ones named. Tempering and averaging happen here, in the configured teacher order, so one teacher
/// pass serves any temperature. Each shard's deadline is a timer keyed by the shard's sequence, cancelled when the
/// shard closes.
/// </summary>
public sealed class EnsembleAggregator : ReceiveActor, IWithTimers
{
    private readonly string _runId;
    private readonly IReadOnlyList<string> _teachers;
    private readonly DistillationSettings _settings;
    private readonly int _classes;
    private readonly IActorRef _student;
    private readonly IActorRef _coordinator;
    private readonly Dictionary<int, PendingShard> _pending = [];
    private readonly HashSet<int> _closed = [];
    private readonly List<string> _incidents = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private int _aggregated, _duplicates, _late, _incomplete, _rejected, _versionConflicts;
    private long _logitBytes, _featureBytes;

    /// <summary>Creates the aggregator; see <see cref="Props"/>.</summary>
    public EnsembleAggregator(string runId, IReadOnlyList<string> teacherIds, DistillationSettings settings, int classes, IActorRef student, IActorRef coordinator)
    {
        _runId = runId;
        _teachers = teacherIds;
        _settings = settings;
        _classes = classes;
        _student = student;
        _coordinator = coordinator;
        Receive<ExpectShard>(Expect);
        Receive<TeacherOutput>(Collect);
        Receive<DeadlinePassed>(d => Close(d.Sequence, deadline: true));
        Receive<GetStats>(_ => Sender.Tell(new AggregatorStats(_aggregated, _duplicates, _late, _incomplete, _rejected, _incidents.ToList())
        {
            VersionConflicts = _versionConflicts,
            LogitBytes = _logitBytes,
            FeatureBytes = _featureBytes,
        }));
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// Props of the aggregator for the teachers named, in the order their distributions are combined. Its arguments are
    /// plain data and references, so the props themselves can travel.
    /// </summary>
    public static Props Props(string runId, IReadOnlyList<string> teacherIds, DistillationSettings settings, int classes, IActorRef student, IActorRef coordinator) =>
        Akka.Actor.Props.Create(() => new EnsembleAggregator(runId, teacherIds, settings, classes, student, coordinator));

    private void Expect(ExpectShard expect)
    {
        if (expect.RunId != _runId || _closed.Contains(expect.Sequence))
        {
            return;
        }

        Pending(expect.Sequence, expect.Shard);
    }

    private void Collect(TeacherOutput output)
    {
        if (output.RunId != _runId)
        {
            Incident($"dropped an output of run {output.RunId} from {output.TeacherId} (this run is {_runId})");
            return;
        }

        if (_closed.Contains(output.Sequence))
        {
            _late++;
            PublishProgress();
            return;
        }

        var shard = Pending(output.Sequence, output.Shard);
        if (shard.Outputs.TryGetValue(output.TeacherId, out var first) || shard.Rejected.Contains(output.TeacherId))
        {
            // The first output of a teacher for a shard is kept, whatever its model version: a later one (a redelivery,
            // another replica, or the same teacher after a hot swap) is dropped, so a shard never mixes two versions.
            _duplicates++;
            if (first is not null && first.ModelVersion != output.ModelVersion)
            {
                _versionConflicts++;
                Incident($"{output.Shard.Id}: kept version {first.ModelVersion} of {output.TeacherId}, dropped its output of version {output.ModelVersion}");
            }

            PublishProgress();
            return;
        }

        var problem = Validate(output, shard);
        if (problem is not null)
        {
            _rejected++;
            shard.Rejected.Add(output.TeacherId);
            Incident($"rejected {output.TeacherId} for {output.Shard.Id}: {problem}");
        }
        else
        {
            shard.Outputs[output.TeacherId] = output;
            _logitBytes += output.Logits.Length * 4L;
            _featureBytes += output.Features.Sum(f => f.ByteCount);
        }

        if (shard.Outputs.Count + shard.Rejected.Count == _teachers.Count)
        {
            Close(output.Sequence, deadline: false);
        }
    }

    private PendingShard Pending(int sequence, Core.Data.Shard shard)
    {
        if (!_pending.TryGetValue(sequence, out var pending))
        {
            pending = new PendingShard(shard);
            _pending[sequence] = pending;
            Timers.StartSingleTimer(sequence, new DeadlinePassed(sequence), _settings.ShardDeadline);
        }

        return pending;
    }

    private string? Validate(TeacherOutput output, PendingShard shard)
    {
        if (!_teachers.Contains(output.TeacherId))
        {
            return $"'{output.TeacherId}' is not a teacher of this run ({string.Join(", ", _teachers)})";
        }

        if (output.Classes != _classes || output.Rows != shard.Shard.RowCount || output.Logits.Length != output.Rows * output.Classes)
        {
            return $"logits of shape ({output.Rows}, {output.Classes}) with {output.Logits.Length} values, expected ({shard.Shard.RowCount}, {_classes})";
        }

        for (var i = 0; i < output.Logits.Length; i++)
        {
            if (!float.IsFinite(output.Logits[i]))
            {
                return $"logit {output.Logits[i]} at row {i / _classes}, class {i % _classes}";
            }
        }

        // A feature with NaN (or of the wrong shape) rejects the whole output: a shard never trains on half a teacher.
        return output.Features.Select(f => f.Problem(shard.Shard.RowCount)).FirstOrDefault(p => p is not null);
    }

    private void Close(int sequence, bool deadline)
    {
        if (!_pending.TryGetValue(sequence, out var shard))
        {
            return;
        }

        if (deadline && shard.Outputs.Count == 0 && shard.Rejected.Count == 0 && !_settings.FailUnansweredShards)
        {
            // Nothing to average yet: closing would help no one. Wait another deadline.
            if (!shard.Waited)
            {
                Incident($"{shard.Shard.Id}: no teacher answered within {_settings.ShardDeadline.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; waiting on");
                shard.Waited = true;
            }

            Timers.StartSingleTimer(sequence, new DeadlinePassed(sequence), _settings.ShardDeadline);
            return;
        }

        _pending.Remove(sequence);

        Timers.Cancel(sequence);
        _closed.Add(sequence);

        var present = _teachers.Where(shard.Outputs.ContainsKey).ToList();
        var missing = _teachers.Where(t => !shard.Outputs.ContainsKey(t)).ToList();
        if (present.Count == 0)
        {
            var reason = deadline
                ? $"no teacher answered within {_settings.ShardDeadline.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s"
                : "every teacher's output was rejected";
            Incident($"{shard.Shard.Id}: {reason}");
            _coordinator.Tell(new ShardFailed(_runId, shard.Shard, sequence, reason), Self);
            return;
        }

        if (missing.Count > 0)
        {
            _incomplete++;
            Incident($"{shard.Shard.Id} closed {(deadline ? "at its deadline" : "after rejections")} without {string.Join(", ", missing)}");
        }

        var weights = present.Select(t => _settings.WeightOf(_teachers.ToList().IndexOf(t), _teachers.Count)).ToArray();
        var targets = new float[shard.Shard.RowCount * _classes];
        EnsembleAverage.Combine(present.Select(t => (ReadOnlyMemory<float>)shard.Outputs[t].Logits).ToList(), weights,
            shard.Shard.RowCount, _classes, _settings.Temperature, _settings.Aggregation, targets);
        var total = weights.Sum();
        _aggregated++;
        _student.Tell(new AggregatedTargets(_runId, shard.Shard, sequence, present.ToArray(), weights.Select(w => w / total).ToArray(), targets, missing.ToArray())
        {
            Features = present.SelectMany(t => shard.Outputs[t].Features).ToArray(),
        }, Self);
        Context.System.EventStream.Publish(new ShardAggregated(_runId, sequence, shard.Shard.Id, present.ToDictionary(t => t, t => shard.Outputs[t].ModelVersion)));
        PublishProgress();
    }

    private void PublishProgress() =>
        Context.System.EventStream.Publish(new AggregatorProgress(_runId, _aggregated, _duplicates, _late, _incomplete, _rejected));

    private void Incident(string text)
    {
        _log.Warning("{0}", text);
        if (_incidents.Count < 1000)
        {
            _incidents.Add(text);
        }
    }

    private sealed record DeadlinePassed(int Sequence);

    private sealed class PendingShard(Core.Data.Shard shard)
    {
        public Core.Data.Shard Shard { get; } = shard;

        public Dictionary<string, TeacherOutput> Outputs { get; } = [];

        public HashSet<string> Rejected { get; } = [];

        /// <summary>Whether a deadline passed with no output at all (said once).</summary>
        public bool Waited { get; set; }
    }
}
