using MultiTeacher.Distillation.Online;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Dashboard.Status;

/// <summary>
/// The counters of one run, folded from the pipeline's events; owned by one <see cref="StatusActor"/> (not thread-safe)
/// and turned into an immutable <see cref="RunStatus"/> for the page. <paramref name="clock"/> gives seconds since the
/// watcher started (rows/s and the ETA use it).
/// </summary>
internal sealed class StatusModel(Func<double> clock)
{
    private const int MaxLossPoints = 400;
    private readonly Dictionary<string, Replica> _replicas = [];
    private readonly SortedDictionary<string, PeerView> _peers = [];
    private readonly List<EpochView> _epochs = [];
    private readonly List<ChartPoint> _loss = [];
    private int _lossStride = 1, _lossSeen;
    private string _state = "waiting";
    private string? _runId, _message, _modelId;
    private double _startedAt;
    private double? _endedAt;
    private ShardView _shards = ShardView.Empty;
    private long _steps;
    private int _sent;
    private HubProgress _hub = new(0, 0, 0);

    /// <summary>The run's id, once an event of it arrived.</summary>
    public string? RunId => _runId;

    /// <summary>Whether anything changed since the last <see cref="Snapshot"/>.</summary>
    public bool Dirty { get; private set; }

    public void Apply(RunStarted started)
    {
        Start(started.RunId);
        _shards = _shards with { Total = started.Total };
    }

    public void Apply(CoordinatorProgress p)
    {
        Touch(p.RunId);
        _shards = _shards with
        {
            Total = p.Total, Planned = p.Planned, Trained = p.Trained, InFlight = p.InFlight, Replicas = p.Replicas, Requeued = p.Requeued,
        };
    }

    public void Apply(ReplicaShardServed served)
    {
        Touch(served.RunId);
        var key = served.Replica;
        if (!_replicas.TryGetValue(key, out var replica))
        {
            _replicas[key] = replica = new Replica(served.TeacherId, served.Replica);
        }

        replica.Shards++;
        replica.Rows += served.Rows;
    }

    public void Apply(AggregatorProgress p)
    {
        Touch(p.RunId);
        _shards = _shards with
        {
            Aggregated = p.Aggregated, DuplicatesDropped = p.DuplicatesDropped, LateDropped = p.LateDropped, ClosedIncomplete = p.ClosedIncomplete,
            RejectedOutputs = p.RejectedOutputs,
        };
    }

    public void Apply(StudentProgress p)
    {
        Touch(p.RunId);
        (_modelId, _steps, _sent) = (p.ModelId, p.Steps, p.CheckpointsSent);
        if (double.IsFinite(p.MeanLoss))
        {
            AddLoss(p.Steps, p.MeanLoss);
        }
    }

    public void Apply(StudentEpochCompleted e)
    {
        Touch(e.RunId);
        _epochs.Add(new EpochView(e.Epoch + 1, Finite(e.ValidationAccuracy), Finite(e.TestAccuracy), e.MeanLoss));
    }

    public void Apply(HubProgress hub)
    {
        _hub = hub;
        Dirty = true;
    }

    public void Apply(PeerProgress p)
    {
        Touch(p.RunId);
        _peers[p.PeerId] = new PeerView(p.PeerId, p.Step, p.TotalSteps, p.Loss, p.CheckpointsSent, p.CheckpointsReceived,
            Math.Round(p.StalenessMean, 2), p.StalenessMax);
        if (p.PeerId == _peers.Keys.First())
        {
            (_modelId, _steps) = (p.PeerId, p.Step);
            AddLoss(p.Step, p.Loss);
        }

        if (_peers.Values.All(peer => peer.Step >= peer.TotalSteps))
        {
            // An online group has no coordinator to say it ended: every peer seen has taken its last step.
            _state = "completed";
            _endedAt = clock();
        }
    }

    public void Apply(PeerEpochCompleted e)
    {
        Touch(e.RunId);
        _epochs.Add(new EpochView(e.Epoch + 1, null, Finite(e.TestAccuracy), e.MeanLoss, e.PeerId));
    }

    public void Completed(string runId)
    {
        Touch(runId);
        _state = "completed";
        _endedAt = clock();
    }

    public void Failed(string runId, string reason)
    {
        Touch(runId);
        (_state, _message) = ("failed", reason);
        _endedAt = clock();
    }

    /// <summary>The run as it stands, with <paramref name="cluster"/> as the membership.</summary>
    public RunStatus Snapshot(ClusterView cluster)
    {
        Dirty = false;
        var elapsed = _runId is null ? 0 : (_endedAt ?? clock()) - _startedAt;
        var sent = _sent + _peers.Values.Sum(p => p.Sent);
        var received = _peers.Count > 0 ? _peers.Values.Sum(p => p.Received) : _hub.Received;
        return new RunStatus(_state, _runId, _message, Math.Round(elapsed, 1), Eta(elapsed), cluster, _shards,
            _replicas.Values.Select(r => r.View(elapsed)).OrderBy(r => r.TeacherId, StringComparer.Ordinal).ThenBy(r => r.Replica, StringComparer.Ordinal).ToList(),
            new StudentView(_modelId, _steps, _loss.ToList(), _epochs.ToList()),
            new CheckpointView(sent, received, _hub.Forwarded, _hub.StaleDropped, _peers.Values.ToList()), null, []);
    }

    private double? Eta(double elapsed)
    {
        double fraction;
        if (_peers.Count > 0)
        {
            fraction = _peers.Values.Min(p => p.TotalSteps == 0 ? 0 : (double)p.Step / p.TotalSteps);
        }
        else
        {
            fraction = _shards.Total == 0 ? 0 : (double)_shards.Trained / _shards.Total;
        }

        if (_state != "running" || fraction <= 0)
        {
            return _state == "completed" ? 0 : null;
        }

        return Math.Round(elapsed * (1 - fraction) / fraction, 1);
    }

    /// <summary>Keeps every loss point until there are too many, then every second one of those and of what follows.</summary>
    private void AddLoss(long step, double loss)
    {
        if (_lossSeen++ % _lossStride != 0)
        {
            return;
        }

        _loss.Add(new ChartPoint(step, Math.Round(loss, 5)));
        if (_loss.Count > MaxLossPoints)
        {
            var kept = _loss.Where((_, i) => i % 2 == 0).ToList();
            _loss.Clear();
            _loss.AddRange(kept);
            _lossStride *= 2;
        }
    }

    private void Start(string runId)
    {
        _runId = runId;
        _state = "running";
        _message = null;
        _startedAt = clock();
        _endedAt = null;
        Dirty = true;
    }

    /// <summary>An event of the run: the first one of a run starts it (a watcher that joined late sees it from there).</summary>
    private void Touch(string runId)
    {
        if (_runId is null)
        {
            Start(runId);
        }

        Dirty = true;
    }

    private static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 5) : null;

    /// <summary>A replica's totals; its rate is rows over the run's time so far (one that stops serving slows down in the view).</summary>
    private sealed class Replica(string teacherId, string path)
    {
        public int Shards { get; set; }

        public long Rows { get; set; }

        public ReplicaView View(double seconds) =>
            new(teacherId, path, Shards, Rows, seconds <= 0 ? 0 : Math.Round(Rows / seconds, 1));
    }
}
