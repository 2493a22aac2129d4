using MultiTeacher.Core.Models;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Core.Tensors;
using static MultiTeacher.Core.Tests.Nn.Close;
using static MultiTeacher.Core.Tests.Nn.FiniteDifferences;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>
/// Whole models: every parameter gradient of <see cref="Model.Backward"/> against finite differences of
/// <c>L = Σ logits·dlogits</c> (the losses' own gradients are checked by <see cref="LossGradientTests"/>). Small
/// architectures of each kind keep this fast while running exactly the code of the large ones.
/// </summary>
/// <remarks>
/// The logits are piecewise linear in any single parameter (ReLU and max-pool kinks, no curvature), so a difference
/// that does not straddle a kink is exact up to float32 rounding. Where the forward and backward differences disagree,
/// a kink lies within one step: with a single kink one of the two one-sided differences does not cross it and equals
/// the derivative, so the one nearer the analytic value is taken; when neither is, the step is shortened. A wrong
/// gradient cannot hide this way, since it would have to equal the slope on one side of a kink. Convolutions over a
/// full random image put hundreds of max-pool near-ties within any step of a first-layer weight, so the CNN sees a
/// random patch on a zero background: windows in the flat part hold exact ties that no single parameter can break.
/// </remarks>
public sealed class ModelGradientTests
{
    private const double Atol = 1e-4;
    private const double Rtol = 1e-3;
    private static readonly double[] s_steps = [1e-2, 3e-3, 1e-3];

    [Theory]
    [InlineData("cnn:4-6-8", 2)]
    [InlineData("mlp:12-9-7-5", 3)]
    [InlineData("mlp:12-9-7-5?dropout=0.3", 3)]
    public void Model_Backward_MatchesFiniteDifferences(string architecture, int batch)
    {
        using var scope = Gemm.UseInScope(ReferenceGemm.Instance);
        var model = Model.Create(architecture, seed: 21);
        var rng = new Rng(22);
        var input = Uniform(rng, 0, 1, [batch, .. model.Architecture.InputShape]);
        if (model.Architecture.Kind == ArchitectureKind.Cnn)
        {
            KeepPatch(input, top: 9, left: 7, size: 8);
        }

        var dlogits = Uniform(rng, -1, 1, batch, model.Classes);

        // Evaluation mode: dropout is the identity, so L is a fixed function of the parameters.
        model.Parameters.ZeroGradients();
        model.Forward(input, training: false);
        model.Backward(dlogits);
        var analytic = (float[])model.Parameters.Gradients.Clone();

        double Loss() => Dot(model.Forward(input, training: false).Span, dlogits.Span);
        var center = Loss();
        var values = model.Parameters.Values;
        var numeric = new float[values.Length];
        var tolerance = new double[values.Length];
        var oneSided = 0;
        for (var i = 0; i < values.Length; i++)
        {
            foreach (var step in s_steps)
            {
                // Rounding noise of a difference grows as 1/step (about 4e-5 at 3e-3): so does its tolerance.
                tolerance[i] = Atol * Math.Max(1, 3e-3 / step);
                var (forward, backward) = OneSided(values, i, step, center, Loss);
                var smooth = Math.Abs(forward - backward) <= tolerance[i];
                numeric[i] = (float)(smooth ? (forward + backward) / 2
                    : Math.Abs(forward - analytic[i]) < Math.Abs(backward - analytic[i]) ? forward : backward);
                if (Math.Abs(numeric[i] - analytic[i]) <= tolerance[i] + Rtol * Math.Abs(numeric[i]))
                {
                    oneSided += smooth ? 0 : 1;
                    break;
                }
            }
        }

        foreach (var parameter in model.Parameters.Parameters)
        {
            var (offset, length) = (parameter.Offset, parameter.Length);
            AssertClose(analytic.AsSpan(offset, length), numeric.AsSpan(offset, length), tolerance.AsSpan(offset, length).ToArray().Max(),
                Rtol, $"{architecture} d{parameter.Name} vs finite differences", parameter.Shape);
        }

        var shortened = tolerance.Count(t => t > Atol);
        Assert.True(shortened <= values.Length / 50, $"{shortened} of {values.Length} coordinates needed the shortest step; the check would prove little");
        Assert.True(oneSided <= values.Length / 10, $"{oneSided} of {values.Length} coordinates needed a one-sided difference; the check would prove little");
    }

    /// <summary>Zeroes every pixel of (B, 1, 28, 28) images outside a size×size patch.</summary>
    private static void KeepPatch(Tensor images, int top, int left, int size)
    {
        var (height, width) = (images.Dim(2), images.Dim(3));
        for (var b = 0; b < images.Dim(0); b++)
        {
            var image = images.Row(b);
            for (var i = 0; i < height * width; i++)
            {
                var (row, column) = (i / width, i % width);
                if (row < top || row >= top + size || column < left || column >= left + size)
                {
                    image[i] = 0;
                }
            }
        }
    }
}
