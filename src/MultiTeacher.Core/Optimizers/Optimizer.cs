using MultiTeacher.Core.Models;

namespace MultiTeacher.Core.Optimizers;

/// <summary>Updates every parameter of a <see cref="ParameterSet"/> from its gradient, in one pass over the flat buffers.</summary>
public abstract class Optimizer
{
    /// <summary>Creates an optimizer over <paramref name="parameters"/>.</summary>
    protected Optimizer(ParameterSet parameters, float learningRate)
    {
        if (!(learningRate >= 0) || float.IsInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be finite and not negative");
        }

        Parameters = parameters;
        LearningRate = learningRate;
    }

    /// <summary>The parameters updated.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Learning rate of the next step.</summary>
    public float LearningRate { get; set; }

    /// <summary>Steps taken so far.</summary>
    public long Steps { get; protected set; }

    /// <summary>Applies one update from the current gradients.</summary>
    public abstract void Step();

    /// <summary>
    /// The optimizer's state buffers by name (Adam's moments, SGD's momentum), each as long as the parameters: with
    /// the parameters and <see cref="Steps"/> they resume training exactly. Copy into them to restore.
    /// </summary>
    public virtual IReadOnlyDictionary<string, float[]> StateBuffers { get; } = new Dictionary<string, float[]>();

    /// <summary>Sets the step count of a restored optimizer (its buffers are restored through <see cref="StateBuffers"/>).</summary>
    public void RestoreSteps(long steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        Steps = steps;
    }

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGradients() => Parameters.ZeroGradients();

    /// <summary>Creates an optimizer by name: <c>adam</c> or <c>sgd</c> (with PyTorch's defaults unless given).</summary>
    public static Optimizer Create(string name, ParameterSet parameters, float learningRate, float momentum = 0, float weightDecay = 0) =>
        name.ToLowerInvariant() switch
        {
            "adam" => new Adam(parameters, learningRate, weightDecay: weightDecay),
            "sgd" => new Sgd(parameters, learningRate, momentum, weightDecay),
            _ => throw new ArgumentException($"unknown optimizer '{name}'; expected 'adam' or 'sgd'", nameof(name)),
        };
}
