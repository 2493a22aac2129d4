using System.Numerics;
using System.Runtime.InteropServices;
using MultiTeacher.Core.Models;

namespace MultiTeacher.Core.Optimizers;

/// <summary>
/// Adam with PyTorch's update rule and defaults (<c>torch.optim.Adam</c>: β = (0.9, 0.999), ε = 1e-8, L2 weight decay):
/// <c>g ← ∇ + λ·θ; m ← β₁·m + (1−β₁)·g; v ← β₂·v + (1−β₂)·g²;
/// θ ← θ − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)</c>.
/// </summary>
public sealed class Adam : Optimizer
{
    private readonly float[] _m;
    private readonly float[] _v;

    /// <summary>Creates Adam (defaults as PyTorch's).</summary>
    public Adam(ParameterSet parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float epsilon = 1e-8f, float weightDecay = 0) : base(parameters, learningRate)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        _m = new float[parameters.Count];
        _v = new float[parameters.Count];
    }

    /// <summary>β₁.</summary>
    public float Beta1 { get; }

    /// <summary>β₂.</summary>
    public float Beta2 { get; }

    /// <summary>ε.</summary>
    public float Epsilon { get; }

    /// <summary>L2 weight decay λ (added to the gradient, as PyTorch's Adam does).</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, float[]> StateBuffers => new Dictionary<string, float[]> { ["adam.exp_avg"] = _m, ["adam.exp_avg_sq"] = _v };

    /// <inheritdoc />
    public override void Step()
    {
        Steps++;
        // PyTorch computes these scalars in double precision (Python floats) and applies them in float32.
        var stepSize = (float)(LearningRate / (1 - Math.Pow(Beta1, Steps)));
        var correction2Sqrt = (float)Math.Sqrt(1 - Math.Pow(Beta2, Steps));
        var (b1, b2, c1, c2) = (Beta1, Beta2, 1 - Beta1, 1 - Beta2);

        var theta = Parameters.Values.AsSpan();
        var grad = Parameters.Gradients.AsSpan();
        var i = 0;
        if (Vector.IsHardwareAccelerated && WeightDecay == 0)
        {
            var vt = MemoryMarshal.Cast<float, Vector<float>>(theta);
            var vg = MemoryMarshal.Cast<float, Vector<float>>(grad);
            var vm = MemoryMarshal.Cast<float, Vector<float>>(_m.AsSpan());
            var vv = MemoryMarshal.Cast<float, Vector<float>>(_v.AsSpan());
            for (var j = 0; j < vt.Length; j++)
            {
                var g = vg[j];
                var m = vm[j] * b1 + g * c1;
                var v = vv[j] * b2 + g * g * c2;
                vm[j] = m;
                vv[j] = v;
                vt[j] -= stepSize * (m / (Vector.SquareRoot(v) / correction2Sqrt + new Vector<float>(Epsilon)));
            }

            i = vt.Length * Vector<float>.Count;
        }

        for (; i < theta.Length; i++)
        {
            var g = WeightDecay != 0 ? grad[i] + WeightDecay * theta[i] : grad[i];
            var m = _m[i] = _m[i] * b1 + g * c1;
            var v = _v[i] = _v[i] * b2 + g * g * c2;
            theta[i] -= stepSize * (m / (MathF.Sqrt(v) / correction2Sqrt + Epsilon));
        }
    }
}
