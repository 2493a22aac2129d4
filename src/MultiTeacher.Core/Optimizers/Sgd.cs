using MultiTeacher.Core.Models;

namespace MultiTeacher.Core.Optimizers;

/// <summary>
/// Stochastic gradient descent with PyTorch's update rule (<c>torch.optim.SGD</c>, dampening 0, not Nesterov):
/// <c>g ← ∇ + λ·θ</c>; with momentum μ, <c>b ← g</c> on the first step and <c>b ← μ·b + g</c> after, <c>g ← b</c>;
/// then <c>θ ← θ − lr·g</c>.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly float[] _momentumBuffer;

    /// <summary>Creates SGD with the given learning rate, momentum μ ≥ 0 and weight decay λ ≥ 0.</summary>
    public Sgd(ParameterSet parameters, float learningRate, float momentum = 0, float weightDecay = 0)
        : base(parameters, learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(momentum);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        Momentum = momentum;
        WeightDecay = weightDecay;
        _momentumBuffer = momentum > 0 ? new float[parameters.Count] : [];
    }

    /// <summary>Momentum μ.</summary>
    public float Momentum { get; }

    /// <summary>L2 weight decay λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, float[]> StateBuffers => new Dictionary<string, float[]> { ["sgd.momentum_buffer"] = _momentumBuffer };

    /// <inheritdoc />
    public override void Step()
    {
        var theta = Parameters.Values;
        var grad = Parameters.Gradients;
        var first = Steps == 0;
        for (var i = 0; i < theta.Length; i++)
        {
            var g = WeightDecay != 0 ? grad[i] + WeightDecay * theta[i] : grad[i];
            if (Momentum != 0)
            {
                g = _momentumBuffer[i] = first ? g : Momentum * _momentumBuffer[i] + g;
            }

            theta[i] -= LearningRate * g;
        }

        Steps++;
    }
}
