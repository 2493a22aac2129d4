using Akka.Actor;
using Akka.Event;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Core.Training;
using MultiTeacher.Distillation.Pipeline;

namespace MultiTeacher.Distillation.Online;

/// <summary>
/// One peer of codistillation. It trains on its own partition, one mini-batch per message (so checkpoints and
/// notices of stopped peers are handled between batches), and every <see cref="OnlineSettings.ExchangeEverySteps"/>
/// steps publishes a <see cref="Checkpoint"/> through the hub. Peer checkpoints it receives go to a
/// <see cref="CheckpointInbox"/> (newest version per peer) and are installed into local copies of the peer models at
/// exchange points only. After the burn-in each step distils toward the mean tempered prediction of the installed
/// peers whose checkpoint is at most <see cref="OnlineSettings.MaxStalenessSteps"/> steps behind this peer.
/// With <see cref="OnlineSettings.WaitForPeers"/> it waits at each exchange point for every live peer's checkpoint
/// of that step, which makes a seeded run reproducible bit for bit. A peer that stops (death watch) or stays silent
/// past <see cref="OnlineSettings.PeerTimeout"/> is no longer waited for; its last checkpoint is used until it is too
/// stale, and both events are reported to the monitor as incidents.
/// </summary>
public sealed partial class CodistillationPeer : ReceiveActor, IWithTimers
{
    private readonly PeerSetup _setup;
    private readonly OnlineSettings _settings;
    private readonly PeerStep _step;
    private readonly HashSet<(string, long)> _staleReported = [];
    private readonly List<string> _incidents = [];
    private readonly List<PeerEpoch> _history = [];
    private readonly List<Model> _usable = [];
    private readonly List<float[]> _teacherLogits = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly int[] _labels;
    private readonly int[] _batchRows;
    private readonly int _stepsPerEpoch;
    private readonly long _totalSteps;
    private readonly int _burnIn;
    private int[] _order;
    private int _epoch;
    private int _position;
    private bool _started;
    private bool _finished;
    private double _epochLoss;
    private int _epochRows;
    private int _sent;
    private long _distilledSteps;
    private double _stalenessSum;
    private long _stalenessUses;
    private long _stalenessMax;

    /// <summary>Creates the peer; see <see cref="Props"/>.</summary>
    public CodistillationPeer(PeerSetup setup)
    {
        setup.Settings.Validate();
        if (setup.Rows.Length == 0)
        {
            throw new ArgumentException($"peer {setup.PeerId} has no training rows");
        }

        _setup = setup;
        _settings = setup.Settings;
        _step = new PeerStep(setup.Model, _settings.Temperature, _settings.Alpha, _settings.LearningRate);
        _labels = new int[_settings.BatchSize];
        _batchRows = new int[_settings.BatchSize];
        _stepsPerEpoch = (setup.Rows.Length + _settings.BatchSize - 1) / _settings.BatchSize;
        _totalSteps = (long)_stepsPerEpoch * _settings.Epochs;
        _burnIn = _settings.BurnInStepsFor(_stepsPerEpoch);
        _order = Order(0);
        Receive<StartPeer>(Start);
        Receive<TrainNext>(_ => TrainBatch());
        Receive<Checkpoint>(Accept);
        Receive<Terminated>(Lost);
        Receive<PeerWaitTimedOut>(TimedOut);
        Receive<GetStats>(_ => Sender.Tell(Report()));
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// Props of a peer. Local only: the setup holds the network it trains and the dataset in this process's memory, so
    /// the props never travel (<see cref="Deploy.Local"/>, which also exempts them from <c>serialize-creators</c>); a
    /// peer on another machine is made there by <see cref="PeerSetup.ForGroup"/> from the same request.
    /// </summary>
    public static Props Props(PeerSetup setup) => Akka.Actor.Props.Create(() => new CodistillationPeer(setup)).WithDeploy(Deploy.Local);

    private void Start(StartPeer start)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        foreach (var (id, peer) in start.Peers)
        {
            if (id != _setup.PeerId && _setup.PeerIds.Contains(id))
            {
                _watched[peer] = id;
                Context.Watch(peer);
            }
        }

        Self.Tell(TrainNext.Instance);
    }

    private void TrainBatch()
    {
        if (_finished || _waitingFor is not null)
        {
            return;
        }

        if (Exchanging && !_settings.WaitForPeers)
        {
            Install();
        }

        var data = _setup.Train;
        var count = Math.Min(_settings.BatchSize, _order.Length - _position);
        var rows = _batchRows.AsSpan(0, count);
        for (var i = 0; i < count; i++)
        {
            rows[i] = _setup.Rows[_order[_position + i]];
            _labels[i] = data.Labels[rows[i]];
        }

        ChooseSources(rows);
        var value = _step.Train(data, rows, _labels.AsSpan(0, count), _usable, _teacherLogits);
        if (!_step.LastTargets.IsEmpty)
        {
            _distilledSteps++;
        }

        _epochLoss += value.Total * count;
        _epochRows += count;
        _position += count;
        var step = _step.Steps;
        if (_position == _order.Length)
        {
            EndEpoch(step);
        }

        if (step == _totalSteps)
        {
            Finish();
            PublishProgress(value.Total);
            return;
        }

        if (step % _settings.ExchangeEverySteps == 0)
        {
            Publish(step, final: false);
            PublishProgress(value.Total);
            if (Exchanging && _settings.WaitForPeers)
            {
                _waitingFor = step;
                CheckWait();
                return;
            }
        }

        Self.Tell(TrainNext.Instance);
    }

    /// <summary>Fills the peer models usable at this step (fresh enough) and the teachers' logits of the batch.</summary>
    private void ChooseSources(ReadOnlySpan<int> rows)
    {
        _usable.Clear();
        _teacherLogits.Clear();
        var step = _step.Steps;
        if (Exchanging && step >= _burnIn)
        {
            foreach (var id in _setup.PeerIds)
            {
                if (!_installed.TryGetValue(id, out var peer))
                {
                    continue;
                }

                var staleness = step - peer.Step;
                if (staleness > _settings.MaxStalenessSteps)
                {
                    if (_staleReported.Add((id, peer.Version)))
                    {
                        Incident($"checkpoint of {id} (step {peer.Step}) is {staleness} steps old at step {step}, beyond the bound of {_settings.MaxStalenessSteps}; not used");
                    }

                    continue;
                }

                _usable.Add(peer.Model);
                _stalenessSum += staleness;
                _stalenessUses++;
                _stalenessMax = Math.Max(_stalenessMax, staleness);
            }
        }

        if (_settings.Codistill)
        {
            foreach (var teacher in _setup.Teachers)
            {
                var logits = new float[rows.Length * teacher.Source.Classes];
                teacher.Source.Logits(rows, logits);
                _teacherLogits.Add(logits);
            }
        }
    }

    private void EndEpoch(long step)
    {
        var test = _setup.Test is { } t ? Evaluator.Evaluate(_step.Model, t).Accuracy : double.NaN;
        var epoch = new PeerEpoch(_epoch, step, test, _epochLoss / Math.Max(1, _epochRows));
        _history.Add(epoch);
        var completed = new PeerEpochCompleted(_setup.RunId, _setup.PeerId, epoch.Epoch, step, test, epoch.MeanLoss);
        _setup.Monitor.Tell(completed, Self);
        Context.System.EventStream.Publish(completed);
        (_epochLoss, _epochRows) = (0, 0);
        _epoch++;
        _position = 0;
        if (_epoch < _settings.Epochs)
        {
            _order = Order(_epoch);
        }
    }

    private void Finish()
    {
        _finished = true;
        Publish(_step.Steps, final: true);
        _setup.Monitor.Tell(new PeerFinished(_setup.RunId, Report()), Self);
    }

    private void PublishProgress(double loss) => Context.System.EventStream.Publish(new PeerProgress(_setup.RunId, _setup.PeerId, _step.Steps, _totalSteps,
        loss, _sent, _inbox.Received, _stalenessUses == 0 ? 0 : _stalenessSum / _stalenessUses, _stalenessMax));

    private int[] Order(int epoch) => Rng.Derive(_setup.OrderSeed, (ulong)epoch).Permutation(_setup.Rows.Length);

    private void Incident(string text)
    {
        _log.Warning("{0}", $"{_setup.PeerId}: {text}");
        if (_incidents.Count < 1000)
        {
            _incidents.Add(text);
        }

        _setup.Monitor.Tell(new PeerIncident(_setup.RunId, _setup.PeerId, text), Self);
    }

    private PeerReport Report() => new(_setup.PeerId, _step.Model.Architecture.Text, _setup.Rows.Length, _step.Steps, _history.ToList(), _sent,
        _inbox.Received, _inbox.Ignored, _distilledSteps, _stalenessUses == 0 ? 0 : _stalenessSum / _stalenessUses, _stalenessMax, _incidents.ToList(),
        _step.Model.GetWeights());
}
