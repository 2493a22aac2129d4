using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MultiTeacher.Core.Optimizers;

/// <summary>
/// Adam or SGD with <c>torch.optim</c>'s rules and defaults (PyTorch's single-tensor update, op for op), over a model's
/// <see cref="Model.FlatParameters"/>, of which every layer's parameters are views: the whole model is updated in a
/// handful of in-place torch ops per step, with state buffers that are plain flat tensors a resumable run reads as arrays.
/// TorchSharp's own optimizers made a new managed wrapper per parameter and state tensor each step and an extra
/// temporary in Adam's denominator: the small student's step took 0.10 ms there, 0.05 ms here.
/// </summary>
public sealed class Optimizer : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    private readonly Model _model;
    private readonly Tensor _parameters; // the flat parameter, detached: updated in place
    private readonly Tensor _gradients; // the flat gradient the layers' gradients are views of
    private readonly Tensor _first; // Adam: exp_avg; SGD: momentum_buffer
    private readonly Tensor? _second; // Adam: exp_avg_sq
    private readonly double _momentum;
    private readonly double _weightDecay;

    // The step's constant numbers as explicit Scalars, made once (see Scalars on implicitly converted numbers).
    private static readonly Scalar s_beta1 = Beta1.ToScalar(), s_oneMinusBeta1 = (1 - Beta1).ToScalar();
    private static readonly Scalar s_beta2 = Beta2.ToScalar(), s_oneMinusBeta2 = (1 - Beta2).ToScalar(), s_epsilon = Epsilon.ToScalar();
    private readonly Scalar _momentumScalar, _weightDecayScalar, _descent;

    private Optimizer(string name, Model model, float learningRate, float momentum, float weightDecay)
    {
        Name = name;
        _model = model;
        LearningRate = learningRate;
        _momentum = momentum;
        _weightDecay = weightDecay;
        _momentumScalar = ((double)momentum).ToScalar();
        _weightDecayScalar = ((double)weightDecay).ToScalar();
        _descent = (-(double)learningRate).ToScalar();
        // Owned by the optimizer, not by a dispose scope the caller may have open.
        var flat = model.FlatParameters;
        _parameters = flat.detach().DetachFromDisposeScope();
        _gradients = (flat.grad ?? throw new InvalidOperationException($"model {model.Architecture}: its flat parameter has no gradient")).DetachFromDisposeScope();
        _first = zeros_like(_parameters).DetachFromDisposeScope();
        _second = name == "adam" ? zeros_like(_parameters).DetachFromDisposeScope() : null;
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
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(model);
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

        return new Optimizer(normalized, model, learningRate, momentum, weightDecay);
    }

    /// <summary>Sets every gradient to zero (one op over the flat gradient).</summary>
    public void ZeroGrad() => _gradients.zero_();

    /// <summary>Applies one update from the current gradients.</summary>
    /// <remarks>Every number reaches its op as an explicit <see cref="Scalar"/> that outlives the op (see <see cref="Scalars"/>).</remarks>
    public void Step()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Steps++;
        // L2 weight decay as torch.optim adds it: to a copy of the gradient, never to the gradient itself.
        var grad = _weightDecay == 0 ? _gradients : _gradients.add(_parameters, alpha: _weightDecayScalar);
        if (_second is not null)
        {
            var biasCorrection1 = 1 - Math.Pow(Beta1, Steps);
            var biasCorrection2 = 1 - Math.Pow(Beta2, Steps);
            using var sqrtCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
            using var stepSize = (-LearningRate / biasCorrection1).ToScalar();
            _ = _first.mul_(s_beta1).add_(grad, alpha: s_oneMinusBeta1);
            _ = _second.mul_(s_beta2).addcmul_(grad, grad, value: s_oneMinusBeta2);
            var denominator = _second.sqrt().div_(sqrtCorrection2).add_(s_epsilon);
            _ = _parameters.addcdiv_(_first, denominator, value: stepSize);
            return;
        }

        if (_momentum == 0)
        {
            _ = _parameters.add_(grad, alpha: _descent);
            return;
        }

        // The momentum buffer starts as the first step's gradient (PyTorch: a clone of it), then decays.
        _ = Steps == 1 ? _first.copy_(grad) : _first.mul_(_momentumScalar).add_(grad, Scalars.One);
        _ = _parameters.add_(_first, alpha: _descent);
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
        foreach (var (name, _) in Buffers())
        {
            if (!buffers.TryGetValue(name, out var values) || values.Length != _model.ParameterCount)
            {
                throw new ArgumentException($"optimizer {Name}: no state buffer '{name}' of {_model.ParameterCount} values to restore");
            }
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, tensor) in Buffers())
        {
            _ = tensor.copy_(TensorData.From(buffers[name], tensor.shape, tensor.device));
        }

        Steps = steps;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _first.Dispose();
        _second?.Dispose();
        _parameters.Dispose();
        _gradients.Dispose();
        _momentumScalar.Dispose();
        _weightDecayScalar.Dispose();
        _descent.Dispose();
    }

    // The flat tensors hold the parameters in Layout order, so a buffer flattened over the parameters is the tensor itself.
    private IEnumerable<(string Name, Tensor Tensor)> Buffers() => _second is not null
        ? [("adam.exp_avg", _first), ("adam.exp_avg_sq", _second)]
        : [("sgd.momentum_buffer", _first)];
}
