namespace MultiTeacher.Core.Training;

/// <summary>How a model is trained: the recipe of the accuracy table is the default (Adam, lr 1e-3, batch 128).</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Rows per mini-batch (the last batch of an epoch may be smaller).</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Learning rate.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary><c>adam</c> or <c>sgd</c>.</summary>
    public string Optimizer { get; init; } = "adam";

    /// <summary>SGD momentum.</summary>
    public float Momentum { get; init; }

    /// <summary>L2 weight decay.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Seed of the initial weights, the per-epoch shuffles and the dropout masks.</summary>
    public long Seed { get; init; }

    /// <summary>
    /// Early stopping: stop when the evaluation accuracy has not improved for this many epochs, and keep the weights of
    /// the best epoch. Null trains every epoch and keeps the last weights.
    /// </summary>
    public int? Patience { get; init; }

    /// <summary>Checks the values, naming the first that is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        if (!(LearningRate > 0) || float.IsInfinity(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning rate must be a positive finite number");
        }
    }
}
