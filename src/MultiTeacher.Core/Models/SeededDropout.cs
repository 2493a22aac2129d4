using TorchSharp;
using static TorchSharp.torch;

namespace MultiTeacher.Core.Models;

/// <summary>
/// PyTorch's <c>nn.Dropout</c> on the CPU (<c>x · bernoulli(1 − p) / (1 − p)</c> in training, the identity in
/// evaluation), drawing its masks from the model's own generator instead of the process-wide one: models trained at the
/// same time on other threads cannot change each other's masks, so a seeded run is reproducible.
/// </summary>
internal sealed class SeededDropout : nn.Module<Tensor, Tensor>
{
    private readonly double _p;
    private readonly Generator _generator;
    private readonly Scalar _keep;

    public SeededDropout(double p, Generator generator) : base(nameof(SeededDropout))
    {
        _p = p;
        _generator = generator;
        _keep = (1 - p).ToScalar(); // made once: an explicit Scalar the op cannot outlive (see Scalars)
    }

    public override Tensor forward(Tensor input)
    {
        if (!training || _p == 0)
        {
            return input;
        }

        using var noise = empty_like(input).bernoulli_(1 - _p, _generator).div_(_keep);
        return input * noise;
    }
}
