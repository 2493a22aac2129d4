using MultiTeacher.Core.Data;
using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using MultiTeacher.Core.Torch;
using MultiTeacher.Core.Training;
using static TorchSharp.torch;

namespace MultiTeacher.Distillation.Online;

/// <summary>
/// One optimizer step of a codistilling peer on its own batch. With sources (peer models it holds, teachers' logits)
/// the loss is DESIGN.md's distillation loss <c>(1 − α)·CE(z, y) + α·T²·KL(p̄ ‖ softmax(z/T))</c> with
/// <c>p̄ = mean_k softmax(z_k/T)</c> over the sources' logits z_k on the same batch (peer models run in evaluation
/// mode, without gradients); without sources it is plain cross-entropy (burn-in, or every peer checkpoint too stale).
/// Both losses share one Adam optimizer, so switching between them keeps its moments.
/// </summary>
public sealed class PeerStep
{
    private readonly TrainingStep _supervised;
    private readonly TrainingStep _distilled;
    private readonly float _temperature;
    private float[] _targets = [];
    private bool _lastDistilled;

    /// <summary>Creates the step for <paramref name="model"/> with Adam at <paramref name="learningRate"/>.</summary>
    public PeerStep(Model model, float temperature, float alpha, float learningRate)
    {
        Model = model;
        _temperature = temperature;
        var adam = Optimizer.Create("adam", model, learningRate);
        _supervised = new TrainingStep(model, adam, new DistillationLoss(temperature, 0f));
        _distilled = new TrainingStep(model, adam, new DistillationLoss(temperature, alpha));
    }

    /// <summary>The model trained.</summary>
    public Model Model { get; }

    /// <summary>Optimizer steps taken.</summary>
    public long Steps => _supervised.Optimizer.Steps;

    /// <summary>p̄ of the last distilled step (rows × classes); empty after a supervised step.</summary>
    public ReadOnlySpan<float> LastTargets => _lastDistilled ? _targets : [];

    /// <summary>
    /// Trains on rows <paramref name="rows"/> of <paramref name="data"/> with <paramref name="labels"/> (one per row), the
    /// peer models held and teachers' logits on the same rows (each rows × classes).
    /// </summary>
    public LossValue Train(Dataset data, ReadOnlySpan<int> rows, ReadOnlySpan<int> labels, IReadOnlyList<Model> peers, IReadOnlyList<float[]> teacherLogits)
    {
        using var scope = NewDisposeScope();
        var inputs = Batches.Gather(data, rows); // (B, features)
        if (peers.Count + teacherLogits.Count == 0)
        {
            _lastDistilled = false;
            return _supervised.Run(inputs, labels, null).Loss;
        }

        var classes = Model.Classes;
        Tensor targets; // (B, C)
        using (no_grad())
        {
            var sources = new List<Tensor>();
            foreach (var peer in peers)
            {
                peer.eval();
                sources.Add(peer.forward(inputs));
            }

            foreach (var logits in teacherLogits)
            {
                sources.Add(TensorData.From(logits, [rows.Length, classes], inputs.device));
            }

            var weights = EnsembleAverage.Normalize(sources.Count, [], EnsembleMethod.Mean);
            targets = EnsembleAverage.Combine(stack(sources), weights, _temperature, EnsembleMethod.Mean);
        }

        if (_targets.Length != rows.Length * classes)
        {
            _targets = new float[rows.Length * classes];
        }

        TensorData.CopyTo(targets, _targets);
        _lastDistilled = true;
        return _distilled.Run(inputs, labels, targets).Loss;
    }
}
