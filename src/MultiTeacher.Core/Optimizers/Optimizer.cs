using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultiTeacher.Core.Optimizers;

/// <summary>
/// Adam or SGD with <c>torch.optim</c>'s rules and defaults (PyTorch's single-tensor update, op for op), over a model's
/// <see cref="Model.FlatParameters"/>, of which every layer's parameters are views: the whole model is updated in a
/// handful of in-place torch ops per step, with state buffers that are plain flat tensors a resumable run reads as arrays.
/// It also updates a list of parameters of their own (the hint adapters), one slot each.
/// TorchSharp's own optimizers made a new managed wrapper per parameter and state tensor each step and an extra
/// temporary in Adam's denominator (the small student's step took 0.10 ms there, 0.05 ms here), and they hand their
/// numbers to LibTorch as implicitly converted Scalars, which the finalizer can free during the op (see Scalars): runs
/// with hint adapters on <c>torch.optim.Adam</c> failed at times with "Unknown scalar type" in its division.
/// </summary>
public sealed class Optimizer : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    private readonly Model? _model; // null for a list of parameters
    private readonly ParameterSlot[] _slots;
    private readonly double _momentum;
    private readonly double _weightDecay;

    // The step's constant numbers as explicit Scalars, made once (see Scalars on implicitly converted numbers).
    private static readonly Scalar s_beta1 = Beta1.ToScalar(), s_oneMinusBeta1 = (1 - Beta1).ToScalar();
    private static readonly Scalar s_beta2 = Beta2.ToScalar(), s_oneMinusBeta2 = (1 - Beta2).ToScalar(), s_epsilon = Epsilon.ToScalar();
    private readonly Scalar _momentumScalar, _weightDecayScalar, _descent;

    private Optimizer(string name, Model? model, Func<bool, ParameterSlot[]> slots, float learningRate, float momentum, float weightDecay)
    {
        Name = name;
        _model = model;
        _slots = slots(name == "adam");
        LearningRate = learningRate;
        _momentum = momentum;
        _weightDecay = weightDecay;
        _momentumScalar = ((double)momentum).ToScalar();
        _weightDecayScalar = ((double)weightDecay).ToScalar();
        _descent = (-(double)learningRate).ToScalar();
    }

    /// <summary><c>adam</c> or <c>sgd</c>.</summary>
    public string Name { get; }

    /// <summary>Learning rate.</summary>
    public float LearningRate { get; }

    /// <summary>Steps taken so far.</summary>
    public long Steps { get; private set; }

    /// <summary>
    /// Creates an optimizer by name: <c>adam</c> (<c>torch.optim.Adam</c>: β = (0.9, 0.999), ε = 1e-8, L2 weight decay)
    /// or <c>sgd</c> (<c>torch.optim.SGD</c>: dampening 0, not Nesterov).
    /// </summary>
    public static Optimizer Create(string name, Model model, float learningRate, float momentum = 0, float weightDecay = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        var normalized = CheckArguments(name, learningRate, momentum, weightDecay);
        return new Optimizer(normalized, model, adam => [ParameterSlot.ForFlat(model.FlatParameters, $"model {model.Architecture}", adam)],
            learningRate, momentum, weightDecay);
    }

    /// <summary>
    /// An optimizer by name (as <see cref="Create(string, Model, float, float, float)"/>) over parameters of their own,
    /// such as the hint adapters'; a parameter without a gradient in a step is left alone, as <c>torch.optim</c> does.
    /// Its state is not resumable.
    /// </summary>
    public static Optimizer Create(string name, IReadOnlyList<Parameter> parameters, float learningRate, float momentum = 0, float weightDecay = 0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var normalized = CheckArguments(name, learningRate, momentum, weightDecay);
        return new Optimizer(normalized, null, adam => parameters.Select(p => ParameterSlot.ForParameter(p, adam)).ToArray(),
            learningRate, momentum, weightDecay);
    }

    private static string CheckArguments(string name, float learningRate, float momentum, float weightDecay)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!(learningRate >= 0) || float.IsInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be finite and not negative");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(momentum);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        var normalized = name.ToLowerInvariant();
        if (normalized is not ("adam" or "sgd"))
        {
            throw new ArgumentException($"unknown optimizer '{name}'; expected 'adam' or 'sgd'", nameof(name));
        }

        return normalized;
    }

    /// <summary>Sets every gradient to zero (one op over a model's flat gradient); removes a parameter's own.</summary>
    public void ZeroGrad()
    {
        foreach (var slot in _slots)
        {
            slot.ZeroGrad();
        }
    }

    /// <summary>Applies one update from the current gradients.</summary>
    /// <remarks>Every number reaches its op as an explicit <see cref="Scalar"/> that outlives the op (see <see cref="Scalars"/>).</remarks>
    public void Step()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Steps++;
        foreach (var slot in _slots)
        {
            if (slot.Gradient() is { } gradient)
            {
                Update(slot, gradient);
            }
        }
    }

    private void Update(ParameterSlot slot, Tensor gradient)
    {
        slot.Steps++;
        // L2 weight decay as torch.optim adds it: to a copy of the gradient, never to the gradient itself.
        var grad = _weightDecay == 0 ? gradient : gradient.add(slot.Values, alpha: _weightDecayScalar);
        if (slot.Second is { } second)
        {
            var biasCorrection1 = 1 - Math.Pow(Beta1, slot.Steps);
            var biasCorrection2 = 1 - Math.Pow(Beta2, slot.Steps);
            using var sqrtCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
            using var stepSize = (-LearningRate / biasCorrection1).ToScalar();
            _ = slot.First.mul_(s_beta1).add_(grad, alpha: s_oneMinusBeta1);
            _ = second.mul_(s_beta2).addcmul_(grad, grad, value: s_oneMinusBeta2);
            var denominator = second.sqrt().div_(sqrtCorrection2).add_(s_epsilon, Scalars.One);
            _ = slot.Values.addcdiv_(slot.First, denominator, value: stepSize);
            return;
        }

        if (_momentum == 0)
        {
            _ = slot.Values.add_(grad, alpha: _descent);
            return;
        }

        // The momentum buffer starts as the first step's gradient (PyTorch: a clone of it), then decays.
        _ = slot.Steps == 1 ? slot.First.copy_(grad) : slot.First.mul_(_momentumScalar).add_(grad, Scalars.One);
        _ = slot.Values.add_(slot.First, alpha: _descent);
    }

    /// <summary>
    /// A copy of the optimizer's state buffers by name (Adam's <c>adam.exp_avg</c> and <c>adam.exp_avg_sq</c>, SGD's
    /// <c>sgd.momentum_buffer</c>), each flattened over the parameters in <see cref="Model.Layout"/> order: with the
    /// weights and <see cref="Steps"/> they resume training exactly (<see cref="RestoreState"/>).
    /// </summary>
    public IReadOnlyDictionary<string, float[]> StateBuffers =>
        Buffers().ToDictionary(b => b.Name, b => TensorData.ToArray(b.Tensor), StringComparer.Ordinal);

    /// <summary>Puts state buffers (as <see cref="StateBuffers"/> gives them) and the step count back.</summary>
    public void RestoreState(IReadOnlyDictionary<string, float[]> buffers, long steps)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var model = _model ?? throw new InvalidOperationException($"optimizer {Name} over a list of parameters: its state is not resumable");
        foreach (var (name, _) in Buffers())
        {
            if (!buffers.TryGetValue(name, out var values) || values.Length != model.ParameterCount)
            {
                throw new ArgumentException($"optimizer {Name}: no state buffer '{name}' of {model.ParameterCount} values to restore");
            }
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, tensor) in Buffers())
        {
            _ = tensor.copy_(TensorData.From(buffers[name], tensor.shape, tensor.device));
        }

        Steps = steps;
        _slots[0].Steps = steps;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var slot in _slots)
        {
            slot.Dispose();
        }

        _momentumScalar.Dispose();
        _weightDecayScalar.Dispose();
        _descent.Dispose();
    }

    // A model's flat tensors hold the parameters in Layout order, so a buffer flattened over the parameters is the
    // tensor itself; a list of parameters has no such order.
    private IEnumerable<(string Name, Tensor Tensor)> Buffers()
    {
        var slot = _model is not null ? _slots[0] : throw new InvalidOperationException($"optimizer {Name} over a list of parameters: its state is not resumable");
        return slot.Second is { } second ? [("adam.exp_avg", slot.First), ("adam.exp_avg_sq", second)] : [("sgd.momentum_buffer", slot.First)];
    }
}
