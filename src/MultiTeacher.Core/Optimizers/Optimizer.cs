using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultiTeacher.Core.Optimizers;

/// <summary>
/// A <c>torch.optim</c> optimizer over a model's parameters (Adam or SGD with PyTorch's rules and defaults), with what a
/// resumable run needs around it: the number of steps taken and the state buffers as plain arrays. It updates the
/// model's <see cref="Model.FlatParameters"/>, of which every layer's parameters are views: the same rule element by
/// element, in a few ops per step.
/// </summary>
public sealed class Optimizer : IDisposable
{
    private readonly Model _model;

    private Optimizer(string name, Model model, OptimizerHelper optimizer, float learningRate)
    {
        Name = name;
        _model = model;
        Torch = optimizer;
        LearningRate = learningRate;
    }

    /// <summary><c>adam</c> or <c>sgd</c>.</summary>
    public string Name { get; }

    /// <summary>The torch optimizer.</summary>
    public OptimizerHelper Torch { get; }

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
        OptimizerHelper optimizer = normalized switch
        {
            "adam" => torch.optim.Adam([model.FlatParameters], learningRate, weight_decay: weightDecay),
            "sgd" => torch.optim.SGD([model.FlatParameters], learningRate, momentum: momentum, weight_decay: weightDecay),
            _ => throw new ArgumentException($"unknown optimizer '{name}'; expected 'adam' or 'sgd'", nameof(name)),
        };
        return new Optimizer(normalized, model, optimizer, learningRate);
    }

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGrad() => Torch.zero_grad();

    /// <summary>Applies one update from the current gradients.</summary>
    public void Step()
    {
        Torch.step();
        Steps++;
    }

    /// <summary>
    /// A copy of the optimizer's state buffers by name (Adam's <c>adam.exp_avg</c> and <c>adam.exp_avg_sq</c>, SGD's
    /// <c>sgd.momentum_buffer</c>), each flattened over the parameters in <see cref="Model.Layout"/> order: with the
    /// weights and <see cref="Steps"/> they resume training exactly (<see cref="RestoreState"/>).
    /// </summary>
    public IReadOnlyDictionary<string, float[]> StateBuffers
    {
        get
        {
            var buffers = new Dictionary<string, float[]>(StringComparer.Ordinal);
            foreach (var (name, select) in Buffers())
            {
                var values = new float[_model.ParameterCount];
                var offset = 0;
                foreach (var (state, parameter) in StatesWithParameters())
                {
                    var tensor = select(state);
                    var length = (int)parameter.numel();
                    if (tensor is not null)
                    {
                        TensorData.CopyTo(tensor, values.AsSpan(offset, length));
                    }

                    offset += length;
                }

                buffers[name] = values;
            }

            return buffers;
        }
    }

    /// <summary>Puts state buffers (as <see cref="StateBuffers"/> gives them) and the step count back.</summary>
    public void RestoreState(IReadOnlyDictionary<string, float[]> buffers, long steps)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        using var noGrad = no_grad();
        var states = StatesWithParameters();
        foreach (var (name, _) in Buffers())
        {
            if (!buffers.TryGetValue(name, out var values) || values.Length != _model.ParameterCount)
            {
                throw new ArgumentException($"optimizer {Name}: no state buffer '{name}' of {_model.ParameterCount} values to restore");
            }

            var offset = 0;
            foreach (var (state, parameter) in states)
            {
                var length = (int)parameter.numel();
                var restored = TensorData.From(values.AsSpan(offset, length), parameter.shape, parameter.device);
                Assign(state, name, restored);
                offset += length;
            }
        }

        foreach (var (state, _) in states)
        {
            if (state is Adam.State adam)
            {
                adam.step = steps;
            }
        }

        Steps = steps;
    }

    /// <inheritdoc />
    public void Dispose() => Torch.Dispose();

    private IEnumerable<(string Name, Func<OptimizerState, Tensor?> Select)> Buffers() => Name == "adam"
        ? [("adam.exp_avg", s => ((Adam.State)s).exp_avg), ("adam.exp_avg_sq", s => ((Adam.State)s).exp_avg_sq)]
        : [("sgd.momentum_buffer", s => ((SGD.State)s).momentum_buffer)];

    private static void Assign(OptimizerState state, string name, Tensor value)
    {
        switch (state, name)
        {
            case (Adam.State adam, "adam.exp_avg"):
                adam.exp_avg.copy_(value);
                value.Dispose();
                break;
            case (Adam.State adam, "adam.exp_avg_sq"):
                adam.exp_avg_sq.copy_(value);
                value.Dispose();
                break;
            case (SGD.State sgd, "sgd.momentum_buffer"):
                sgd.momentum_buffer?.Dispose();
                sgd.momentum_buffer = value.DetachFromDisposeScope();
                break;
            default:
                value.Dispose();
                throw new InvalidOperationException($"no state '{name}' in a {state.GetType().Name}");
        }
    }

    // The optimizer was made from the model's one flat parameter.
    private List<(OptimizerState State, Parameter Parameter)> StatesWithParameters() =>
        Torch.state_dict().State.Zip([_model.FlatParameters], (s, p) => (s, p)).ToList();
}
