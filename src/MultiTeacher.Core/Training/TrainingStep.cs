using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using MultiTeacher.Core.Torch;
using static TorchSharp.torch;

namespace MultiTeacher.Core.Training;

/// <summary>
/// One optimisation step of a model on a batch with the distillation loss (α = 0 for plain supervised training):
/// forward in training mode, loss, backward by autograd, optimizer update. Every tensor the step makes is disposed
/// when it returns, so memory stays flat however many steps run.
/// </summary>
public sealed class TrainingStep
{
    /// <summary>
    /// Models with fewer multiply-adds per sample than this (the demo's mlp:784-64-10 student has 50,816) train on one
    /// intra-op thread whatever <see cref="TorchRuntime.Threads"/> says: their GEMMs are too small for a second thread
    /// to pay for waking it at every parallel op. On a quiet 2-core machine the distillation pipeline's plain loop ran
    /// 2.3 times faster on one thread than on two, and under load from other processes two threads made a step three
    /// to four times slower. The choice depends on the architecture only, so a seeded run stays reproducible bit for
    /// bit.
    /// </summary>
    public const long SingleThreadBelowMultiplyAdds = 250_000;

    private readonly bool _oneThread;

    /// <summary>Creates the step for <paramref name="model"/>, updated by <paramref name="optimizer"/> under <paramref name="loss"/>.</summary>
    public TrainingStep(Model model, Optimizer optimizer, DistillationLoss loss)
    {
        Model = model;
        Optimizer = optimizer;
        Loss = loss;
        _oneThread = RunsOnOneThread(model);
    }

    /// <summary>Whether a step of <paramref name="architecture"/> runs on one intra-op thread (see <see cref="SingleThreadBelowMultiplyAdds"/>).</summary>
    public static bool RunsOnOneThread(Architecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return architecture.MultiplyAddsPerSample < SingleThreadBelowMultiplyAdds;
    }

    /// <summary>
    /// Whether a step of <paramref name="model"/> runs on one intra-op thread: by its architecture, or for a TorchScript
    /// module (whose graph is not read) by its parameter count, which is a dense network's multiply-adds per sample.
    /// </summary>
    public static bool RunsOnOneThread(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Architecture.Kind == ArchitectureKind.Scripted
            ? model.ParameterCount < SingleThreadBelowMultiplyAdds
            : RunsOnOneThread(model.Architecture);
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
        using var threads = _oneThread ? IntraOpThreads.AtMost(1) : default;
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
        if (!terms.Total.requires_grad)
        {
            // α = 0 and no row of the batch has a label: the loss is a constant 0, there is nothing to learn from.
            return new StepResult(value, correct);
        }

        terms.Total.backward();
        Optimizer.Step();
        return new StepResult(value, correct);
    }
}

/// <summary>What one training step gave.</summary>
/// <param name="Loss">The loss and its parts.</param>
/// <param name="Correct">Labelled rows whose arg-max logit (in training mode, before the update) was the label.</param>
public readonly record struct StepResult(LossValue Loss, int Correct);
