using Akka.Actor;
using MultiTeacher.Core.Checkpoints;
using MultiTeacher.Core.Data;
using MultiTeacher.Core.Training;
using MultiTeacher.Distillation.Students;

namespace MultiTeacher.Distillation.Pipeline;

/// <summary>
/// Trains the student on aggregated targets, each (epoch, shard) exactly once and in plan order (shards that arrive
/// early wait; copies are dropped), so the result does not depend on timing. Every N steps it writes a checkpoint
/// atomically (when given a path) and broadcasts it through the <see cref="CheckpointHub"/>. At the end of each epoch
/// it evaluates and keeps the weights of the best validation epoch.
/// </summary>
public sealed class StudentTrainer : ReceiveActor
{
    private readonly string _runId;
    private readonly string _modelId;
    private readonly StudentShardTrainer _trainer;
    private readonly Dataset _data;
    private readonly ShardPlanner _planner;
    private readonly int[] _labels;
    private readonly int _shardsPerEpoch;
    private readonly DistillationSettings _settings;
    private readonly StudentEvaluation _evaluation;
    private readonly IActorRef _coordinator;
    private readonly IActorRef? _hub;
    private readonly string? _checkpointPath;
    private readonly string? _statePath;
    private readonly SortedDictionary<int, AggregatedTargets> _waiting = [];
    private readonly List<StudentEpochCompleted> _epochs;
    private int _next;
    private int _trained, _duplicates, _checkpoints;
    private double _epochLoss;
    private int _epochRows;
    private readonly Dictionary<string, (double Sum, int Rows)> _epochTerms = [];
    private float[]? _best;
    private float[] _bestBuffers = []; // a scripted student's batch-norm statistics of the best epoch
    private double _bestAccuracy = double.NegativeInfinity;
    private int _bestEpoch = -1;

    /// <summary>Creates the trainer; see <see cref="Props"/>.</summary>
    public StudentTrainer(StudentTrainerSetup setup)
    {
        _runId = setup.RunId;
        _modelId = setup.ModelId;
        _trainer = new StudentShardTrainer(setup.Student, setup.Settings, setup.Features);
        _data = setup.Data;
        _planner = setup.Planner;
        _labels = setup.Labels;
        _settings = setup.Settings;
        _shardsPerEpoch = setup.Planner.ForEpoch(0).Shards.Count;
        _evaluation = setup.Evaluation;
        _coordinator = setup.Coordinator;
        _hub = setup.Hub;
        _checkpointPath = setup.CheckpointPath;
        _statePath = setup.StatePath;
        _epochs = [];
        if (_statePath is not null && File.Exists(_statePath))
        {
            Resume(StudentState.Load(_statePath, _runId, _trainer.Model, _trainer.Optimizer));
        }

        Receive<AggregatedTargets>(Accept);
        Receive<GetStats>(_ => Sender.Tell(new StudentStats(_trained, _duplicates, _trainer.Steps, _checkpoints, _epochs.ToList(), _bestEpoch)));
    }

    /// <summary>
    /// Props of the student trainer. Local only: the setup holds the network the caller reads back after the run and the
    /// dataset in this process's memory, so the props never travel (<see cref="Deploy.Local"/>, which also exempts
    /// them from <c>serialize-creators</c>); a student on another machine is created there, from its own files.
    /// </summary>
    public static Props Props(StudentTrainerSetup setup) => Akka.Actor.Props.Create(() => new StudentTrainer(setup)).WithDeploy(Deploy.Local);

    private void Accept(AggregatedTargets targets)
    {
        if (targets.RunId == _runId && targets.Sequence < _next && _statePath is not null)
        {
            // A copy of a shard the saved state already holds: its ShardTrained may have died with the previous
            // process before the coordinator had it, so say it again (the coordinator counts each shard once).
            _coordinator.Tell(new ShardTrained(_runId, targets.Shard, targets.Sequence, new ShardResult(targets.Shard.RowCount, double.NaN, 0, 0)), Self);
        }

        if (targets.RunId != _runId || targets.Sequence < _next || !_waiting.TryAdd(targets.Sequence, targets))
        {
            _duplicates++;
            PublishProgress(double.NaN);
            return;
        }

        // A shard that arrives early waits for its turn.
        while (_waiting.Remove(_next, out var ready))
        {
            Train(ready);
            _next++;
            SaveState();
        }
    }

    private void SaveState()
    {
        if (_statePath is null)
        {
            return;
        }

        var optimizer = _trainer.Optimizer;
        new StudentState(_runId, _next, _trainer.Model.GetWeights(), optimizer.StateBuffers, optimizer.Steps, _best, _bestAccuracy, _bestEpoch,
            _trained, _duplicates, _checkpoints, _epochLoss, _epochRows, _epochs)
        {
            Buffers = _trainer.Model.GetBuffers(),
            BestBuffers = _bestBuffers,
        }.Save(_statePath);
    }

    private void Resume(StudentState state)
    {
        state.RestoreInto(_trainer.Model, _trainer.Optimizer);
        (_next, _best, _bestAccuracy, _bestEpoch, _bestBuffers) = (state.NextShard, state.Best, state.BestAccuracy, state.BestEpoch, state.BestBuffers);
        (_trained, _duplicates, _checkpoints, _epochLoss, _epochRows) = (state.Trained, state.Duplicates, state.Checkpoints, state.EpochLoss, state.EpochRows);
        _epochs.AddRange(state.Epochs);
    }

    private void Train(AggregatedTargets targets)
    {
        var rows = _planner.ForEpoch(targets.Shard.Epoch).RowsOf(targets.Shard);
        var result = _trainer.Train(_data, rows, _labels, _settings.Alpha > 0 ? targets.Targets : [], targets.Features, MaybeCheckpoint);
        _trained++;
        _epochLoss += result.MeanLoss * result.Rows;
        _epochRows += result.Rows;
        AddTerm("ce", result.MeanCrossEntropy, result.Rows);
        AddTerm("kd", result.MeanDistillation, result.Rows);
        foreach (var (label, mean) in result.FeatureLosses)
        {
            AddTerm(label, mean, result.Rows);
        }
        if ((targets.Sequence + 1) % _shardsPerEpoch == 0)
        {
            EndEpoch(targets.Shard.Epoch);
        }

        // Told last, so that when the coordinator sees the final shard the kept weights are already in place.
        _coordinator.Tell(new ShardTrained(_runId, targets.Shard, targets.Sequence, result), Self);
        PublishProgress(result.MeanLoss);
    }

    private void PublishProgress(double meanLoss) =>
        Context.System.EventStream.Publish(new StudentProgress(_runId, _modelId, _trained, _trainer.Steps, meanLoss, _duplicates, _checkpoints));

    private void EndEpoch(int epoch)
    {
        var model = _trainer.Model;
        var validation = _evaluation.Validation is { } v ? Evaluator.Evaluate(model, v).Accuracy : double.NaN;
        var test = _evaluation.Test is { } t ? Evaluator.Evaluate(model, t).Accuracy : double.NaN;
        if (_evaluation.Validation is not null && validation > _bestAccuracy)
        {
            _bestAccuracy = validation;
            _bestEpoch = epoch;
            _best = model.GetWeights();
            _bestBuffers = model.GetBuffers();
        }

        var completed = new StudentEpochCompleted(_runId, epoch, validation, test, _epochLoss / Math.Max(1, _epochRows))
        {
            Terms = _epochTerms.ToDictionary(t => t.Key, t => t.Value.Sum / Math.Max(1, t.Value.Rows)),
        };
        _epochs.Add(completed);
        (_epochLoss, _epochRows) = (0, 0);
        _epochTerms.Clear();
        _coordinator.Tell(completed, Self);
        if (epoch == _settings.Epochs - 1)
        {
            Broadcast();
            if (_best is not null)
            {
                model.SetWeights(_best);
                model.SetBuffers(_bestBuffers);
            }
        }
    }

    private void AddTerm(string label, double mean, int rows)
    {
        if (double.IsNaN(mean))
        {
            return;
        }

        var (sum, count) = _epochTerms.GetValueOrDefault(label);
        _epochTerms[label] = (sum + (mean * rows), count + rows);
    }

    private void MaybeCheckpoint(long step)
    {
        if (_settings.CheckpointEverySteps > 0 && step % _settings.CheckpointEverySteps == 0)
        {
            Broadcast();
        }
    }

    private void Broadcast()
    {
        var model = _trainer.Model;
        var weights = model.GetWeights();
        if (_checkpointPath is not null)
        {
            ModelCheckpoint.Save(model, _checkpointPath, new Dictionary<string, string>
            {
                ["run"] = _runId,
                ["step"] = _trainer.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["next_shard"] = _next.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            // Hint adapters go beside the student, never into it.
            _ = Core.Losses.Features.AdapterFile.Save(_trainer.FeatureTerms, Core.Losses.Features.AdapterFile.PathBeside(_checkpointPath));
        }

        _hub?.Tell(new Checkpoint(_modelId, _trainer.Steps, _trainer.Steps, model.Architecture.Text, weights,
            new Dictionary<string, double> { ["shards_trained"] = _trained }), Self);
        _checkpoints++;
    }
}
