using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultiTeacher.Core.Optimizers;

/// <summary>
/// One tensor an <see cref="Optimizer"/> updates, with its state buffers and its own step count (the bias correction
/// counts the steps in which it had a gradient, as <c>torch.optim</c> does per parameter): a model's flat parameter,
/// whose gradient buffer lives as long as the model, or a parameter of its own, whose gradient autograd makes and
/// <see cref="ZeroGrad"/> removes (<c>set_to_none</c>, PyTorch's default).
/// </summary>
internal sealed class ParameterSlot : IDisposable
{
    private readonly Tensor? _flatGradient;
    private readonly Parameter? _parameter;

    private ParameterSlot(Tensor values, Tensor? flatGradient, Parameter? parameter, bool adam)
    {
        // Owned by the slot, not by a dispose scope the caller may have open.
        Values = values.DetachFromDisposeScope();
        _flatGradient = flatGradient?.DetachFromDisposeScope();
        _parameter = parameter;
        First = zeros_like(Values).DetachFromDisposeScope();
        Second = adam ? zeros_like(Values).DetachFromDisposeScope() : null;
    }

    /// <summary>The parameter's values, detached: updated in place.</summary>
    public Tensor Values { get; }

    /// <summary>Adam's exp_avg, SGD's momentum_buffer.</summary>
    public Tensor First { get; }

    /// <summary>Adam's exp_avg_sq (null for SGD).</summary>
    public Tensor? Second { get; }

    /// <summary>The steps this slot took.</summary>
    public long Steps { get; set; }

    /// <summary>The slot of a model's flat parameter and its flat gradient.</summary>
    public static ParameterSlot ForFlat(Parameter flat, string owner, bool adam) =>
        new(flat.detach(), flat.grad ?? throw new InvalidOperationException($"{owner}: its flat parameter has no gradient"), null, adam);

    /// <summary>The slot of a parameter of its own.</summary>
    public static ParameterSlot ForParameter(Parameter parameter, bool adam) => new(parameter.detach(), null, parameter, adam);

    /// <summary>The current gradient (a wrapper the caller's dispose scope takes), null when the last backward gave none.</summary>
    public Tensor? Gradient() => _flatGradient ?? _parameter!.grad;

    /// <summary>Zeroes the flat gradient, or removes the parameter's.</summary>
    public void ZeroGrad()
    {
        if (_flatGradient is not null)
        {
            _ = _flatGradient.zero_();
        }
        else
        {
            _parameter!.grad = null;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        First.Dispose();
        Second?.Dispose();
        Values.Dispose();
        _flatGradient?.Dispose();
    }
}
