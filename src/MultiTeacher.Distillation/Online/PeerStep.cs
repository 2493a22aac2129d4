using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using MultiTeacher.Core.Tensors;
using MultiTeacher.Core.Training;

namespace MultiTeacher.Distillation.Online;

/// <summary>
/// One optimizer step of a codistilling peer on its own batch. With sources (peer models it holds, teachers' logits)
/// the loss is DESIGN.md's distillation loss <c>(1 − α)·CE(z, y) + α·T²·KL(p̄ ‖ softmax(z/T))</c> with
/// <c>p̄ = mean_k softmax(z_k/T)</c> over the sources' logits z_k on the same batch (peer models run in evaluation
/// mode); without sources it is plain cross-entropy (burn-in, or every peer checkpoint too stale).
/// Both losses share one Adam optimizer, so switching between them keeps its moments.
/// </summary>
public sealed class PeerStep
{
    private readonly TrainingStep _supervised;
    private readonly TrainingStep _distilled;
    private readonly float _temperature;
    private readonly List<ReadOnlyMemory<float>> _sources = [];
    private float[] _targets = [];
    private readonly List<float[]> _peerLogits = [];
    private bool _lastDistilled;

    /// <summary>Creates the step for <paramref name="model"/> with Adam at <paramref name="learningRate"/>.</summary>
    public PeerStep(Model model, float temperature, float alpha, float learningRate)
    {
        Model = model;
        _temperature = temperature;
        var adam = new Adam(model.Parameters, learningRate);
        _supervised = new TrainingStep(model, adam, new DistillationLoss(temperature, 0f));
        _distilled = new TrainingStep(model, adam, new DistillationLoss(temperature, alpha));
    }

    /// <summary>The model trained.</summary>
    public Model Model { get; }

    /// <summary>Optimizer steps taken.</summary>
    public long Steps => _supervised.Optimizer.Steps;

    /// <summary>p̄ of the last distilled step (rows × classes); empty after a supervised step.</summary>
    public ReadOnlySpan<float> LastTargets => _lastDistilled ? _targets : [];

    /// <summary>Logits of the last step's forward pass (B, classes), before the update.</summary>
    public Tensor? LastLogits { get; private set; }

    /// <summary>
    /// Trains on one batch: <paramref name="inputs"/> (B, features), <paramref name="labels"/> (B), the peer models held
    /// and teachers' logits on the same rows (each B × classes).
    /// </summary>
    public LossValue Train(Tensor inputs, ReadOnlySpan<int> labels, IReadOnlyList<Model> peers, IReadOnlyList<float[]> teacherLogits)
    {
        var rows = inputs.Dim(0);
        var classes = Model.Classes;
        if (peers.Count + teacherLogits.Count == 0)
        {
            _lastDistilled = false;
            var plain = _supervised.Run(inputs, labels, []);
            LastLogits = _supervised.LastLogits;
            return plain;
        }

        _sources.Clear();
        for (var k = 0; k < peers.Count; k++)
        {
            if (_peerLogits.Count <= k)
            {
                _peerLogits.Add([]);
            }

            if (_peerLogits[k].Length != rows * classes)
            {
                _peerLogits[k] = new float[rows * classes];
            }

            peers[k].Forward(inputs, training: false).Span.CopyTo(_peerLogits[k]);
            _sources.Add(_peerLogits[k]);
        }

        foreach (var logits in teacherLogits)
        {
            _sources.Add(logits);
        }

        if (_targets.Length != rows * classes)
        {
            _targets = new float[rows * classes];
        }

        EnsembleAverage.Combine(_sources, [], rows, classes, _temperature, EnsembleMethod.Mean, _targets);
        _lastDistilled = true;
        var value = _distilled.Run(inputs, labels, _targets);
        LastLogits = _distilled.LastLogits;
        return value;
    }
}
