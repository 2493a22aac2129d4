using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Losses.Features;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using MultiTeacher.Core.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MultiTeacher.Core.Training;

/// <summary>
/// One optimisation step with feature terms: the forward pass also returns the student layers the terms train, the
/// loss is <c>CE/KD (as <see cref="TrainingStep"/>) + Σ_j λ_j·L_j</c> over the <see cref="FeatureTerm"/>s, and autograd
/// carries it into the student and the hint adapters; the student is updated by its optimizer, the adapters by their
/// own Adam (<c>torch.optim.Adam</c>'s rules, same learning rate). Every tensor the step makes is disposed when it returns.
/// </summary>
public sealed class FeatureTrainingStep : IDisposable
{
    private readonly TrainingStep _plain;
    private readonly string[] _studentLayers;
    private readonly int[] _layerOfTerm;
    private readonly Optimizer? _adapters;

    /// <summary>Creates the step for <paramref name="model"/> with the feature terms <paramref name="terms"/> (owned: disposed with the step).</summary>
    /// <exception cref="UnknownLayerException">A term names a student layer the model does not have.</exception>
    public FeatureTrainingStep(Model model, Optimizer optimizer, DistillationLoss loss, IReadOnlyList<FeatureTerm> terms)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(terms);
        _plain = new TrainingStep(model, optimizer, loss);
        Terms = terms;
        _studentLayers = terms.Select(t => t.StudentLayer).Distinct().ToArray();
        foreach (var layer in _studentLayers)
        {
            _ = model.FeatureShape(layer); // refuses an unknown name, listing the layers
        }

        _layerOfTerm = terms.Select(t => Array.IndexOf(_studentLayers, t.StudentLayer)).ToArray();
        var adapterParameters = terms.SelectMany(t => t.AdapterParameters()).ToList();
        _adapters = adapterParameters.Count == 0 ? null : Optimizer.Create("adam", adapterParameters, optimizer.LearningRate);
    }

    /// <summary>The feature terms, in the order of <see cref="FeatureStepResult.FeatureLosses"/>.</summary>
    public IReadOnlyList<FeatureTerm> Terms { get; }

    /// <summary>The student's optimizer.</summary>
    public Optimizer Optimizer => _plain.Optimizer;

    /// <summary>
    /// Trains on one batch: inputs, labels and soft targets as <see cref="TrainingStep.Run"/> takes them, and per term the
    /// teachers' targets (<see cref="FeatureTerm.Loss"/>; null for a teacher without one).
    /// </summary>
    public FeatureStepResult Run(Tensor inputs, ReadOnlySpan<int> labels, Tensor? targets, IReadOnlyList<IReadOnlyList<Tensor?>> featureTargets)
    {
        ArgumentNullException.ThrowIfNull(featureTargets);
        if (featureTargets.Count != Terms.Count)
        {
            throw new ArgumentException($"{featureTargets.Count} lists of feature targets for {Terms.Count} feature terms", nameof(featureTargets));
        }

        var model = _plain.Model;
        using var threads = TrainingStep.RunsOnOneThread(model.Architecture) ? IntraOpThreads.AtMost(1) : default;
        using var scope = NewDisposeScope();
        if (!model.training)
        {
            model.train();
        }

        _plain.Optimizer.ZeroGrad();
        _adapters?.ZeroGrad();
        var forward = model.ForwardWithFeatures(inputs, _studentLayers); // logits (B, C) and the student features
        var terms = _plain.Loss.Terms(forward.Logits, labels, targets);
        var (value, correct) = terms.Read();
        var total = terms.Total;
        var featureLosses = new double[Terms.Count];
        for (var j = 0; j < Terms.Count; j++)
        {
            var loss = Terms[j].Loss(forward.Features[_layerOfTerm[j]], featureTargets[j]);
            if (loss is null)
            {
                featureLosses[j] = double.NaN; // no teacher sent this term's feature for the batch
                continue;
            }

            featureLosses[j] = loss.item<float>();
            if (!double.IsFinite(featureLosses[j]))
            {
                throw new NonFiniteException($"{Terms[j].Label}: the feature loss is {featureLosses[j]} (student feature not finite?)");
            }

            using var weight = ((double)Terms[j].Weight).ToScalar(); // explicit and alive until the op is done (see Scalars)
            total = total.add(loss.mul(weight), Scalars.One);
        }

        if (!total.requires_grad)
        {
            // α = 0, no label in the batch and no teacher feature: nothing to learn from.
            return new FeatureStepResult(new StepResult(value, correct), featureLosses);
        }

        total.backward();
        _plain.Optimizer.Step();
        _adapters?.Step();
        return new FeatureStepResult(new StepResult(value with { Total = total.item<float>() }, correct), featureLosses);
    }

    /// <summary>Disposes the terms (their adapters) and the adapters' optimizer.</summary>
    public void Dispose()
    {
        _adapters?.Dispose();
        foreach (var term in Terms)
        {
            term.Dispose();
        }
    }
}

/// <summary>What one step with feature terms gave.</summary>
/// <param name="Step">The total loss (CE/KD plus the weighted feature terms), its CE and KD parts, and the correct count.</param>
/// <param name="FeatureLosses">Each term's loss L_j before its weight (NaN when no teacher sent its feature).</param>
public sealed record FeatureStepResult(StepResult Step, IReadOnlyList<double> FeatureLosses);
