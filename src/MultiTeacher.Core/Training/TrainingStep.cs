using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using MultiTeacher.Core.Tensors;

namespace MultiTeacher.Core.Training;

/// <summary>
/// One optimisation step of a model on a batch with the distillation loss (α = 0 for plain supervised training):
/// forward in training mode, loss and its gradient, backward, optimizer update. Allocation-free after the first batch.
/// </summary>
public sealed class TrainingStep
{
    private readonly Tensor _gradLogits = new(0, 0);

    /// <summary>Creates the step for <paramref name="model"/>, updated by <paramref name="optimizer"/> under <paramref name="loss"/>.</summary>
    public TrainingStep(Model model, Optimizer optimizer, DistillationLoss loss)
    {
        if (!ReferenceEquals(optimizer.Parameters, model.Parameters))
        {
            throw new ArgumentException("the optimizer updates the parameters of another model", nameof(optimizer));
        }

        Model = model;
        Optimizer = optimizer;
        Loss = loss;
    }

    /// <summary>The model trained.</summary>
    public Model Model { get; }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The loss.</summary>
    public DistillationLoss Loss { get; }

    /// <summary>Logits of the last step's forward pass (B, classes), before the update.</summary>
    public Tensor? LastLogits { get; private set; }

    /// <summary>
    /// Trains on one batch: inputs (B, features), labels (B; −1 for none), soft targets p̄ (B, classes; empty when α = 0).
    /// </summary>
    public LossValue Run(Tensor inputs, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets)
    {
        Optimizer.ZeroGradients();
        var logits = Model.Forward(inputs, training: true);
        var value = Loss.Compute(logits, labels, targets, _gradLogits);
        Model.Backward(_gradLogits);
        Optimizer.Step();
        LastLogits = logits;
        return value;
    }
}
