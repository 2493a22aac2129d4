using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using static TorchSharp.torch;

namespace MultiTeacher.Core.Training;

/// <summary>
/// One optimisation step of a model on a batch with the distillation loss (α = 0 for plain supervised training):
/// forward in training mode, loss, backward by autograd, optimizer update. Every tensor the step makes is disposed
/// when it returns, so memory stays flat however many steps run.
/// </summary>
public sealed class TrainingStep
{
    /// <summary>Creates the step for <paramref name="model"/>, updated by <paramref name="optimizer"/> under <paramref name="loss"/>.</summary>
    public TrainingStep(Model model, Optimizer optimizer, DistillationLoss loss)
    {
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

    /// <summary>
    /// Trains on one batch: inputs (B, features) on the model's device, labels (B; −1 for none), soft targets p̄ (B, C;
    /// null when α = 0). Returns the loss and how many labelled rows the logits (before the update) got right.
    /// </summary>
    public StepResult Run(Tensor inputs, ReadOnlySpan<int> labels, Tensor? targets)
    {
        using var scope = NewDisposeScope();
        if (!Model.training)
        {
            Model.train();
        }

        Optimizer.ZeroGrad();
        var logits = Model.forward(inputs); // (B, C)
        var terms = Loss.Terms(logits, labels, targets);
        // Read before the update: a non-finite batch is refused before it can reach the weights.
        var (value, correct) = terms.Read();
        terms.Total.backward();
        Optimizer.Step();
        return new StepResult(value, correct);
    }
}

/// <summary>What one training step gave.</summary>
/// <param name="Loss">The loss and its parts.</param>
/// <param name="Correct">Labelled rows whose arg-max logit (in training mode, before the update) was the label.</param>
public readonly record struct StepResult(LossValue Loss, int Correct);
