using MultiTeacher.Core.Layers;
using MultiTeacher.Core.Numerics;
using MultiTeacher.Core.Tensors;
using static MultiTeacher.Core.Tests.Nn.Close;
using static MultiTeacher.Core.Tests.Nn.FiniteDifferences;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>
/// Every layer's backward pass against central finite differences of <c>Σ out·dout</c>, for the input and every
/// parameter. Each of these layers is linear or piecewise linear in any single coordinate, so with inputs kept away
/// from kinks the differences carry no truncation error and a large step keeps the rounding noise small.
/// </summary>
public sealed class LayerGradientTests
{
    private const double Eps = 1e-2;
    private const double Atol = 1e-4;
    private const double Rtol = 1e-3;

    [Fact]
    public void Dense_Backward_MatchesFiniteDifferences() =>
        CheckLayer(new Dense(7, 5), Uniform(new Rng(1), -1, 1, 4, 7), Eps, Atol, Rtol, "Dense(7→5)");

    [Theory]
    [InlineData(3, 6, 6, 4, 3, 0)]
    [InlineData(3, 6, 6, 4, 3, 1)]
    [InlineData(2, 5, 7, 3, 5, 2)]
    [InlineData(1, 4, 9, 2, 1, 0)]
    [InlineData(2, 3, 3, 2, 3, 3)]
    public void Conv2d_Backward_MatchesFiniteDifferences(int channels, int height, int width, int outChannels, int kernel, int padding) =>
        CheckLayer(new Conv2d([channels, height, width], outChannels, kernel, padding), Uniform(new Rng(2), -1, 1, 2, channels, height, width),
            Eps, Atol, Rtol, $"Conv2d({channels}×{height}×{width}→{outChannels}, k={kernel}, p={padding})");

    [Theory]
    [InlineData(6, 6, 2)]
    [InlineData(7, 5, 2)]
    [InlineData(8, 9, 3)]
    public void MaxPool2d_Backward_MatchesFiniteDifferences(int height, int width, int size) =>
        CheckLayer(new MaxPool2d([3, height, width], size), Distinct(new Rng(3), 0.05f, 2, 3, height, width), Eps, Atol, Rtol,
            $"MaxPool2d({size}) on {height}×{width}");

    [Fact]
    public void Relu_Backward_MatchesFiniteDifferences() =>
        CheckLayer(new Relu([3, 5]), AwayFromZero(new Rng(4), 0.05f, 4, 3, 5), Eps, Atol, Rtol, "ReLU");

    [Fact]
    public void Flatten_Backward_MatchesFiniteDifferences() =>
        CheckLayer(new Flatten([2, 3, 4]), Uniform(new Rng(5), -1, 1, 3, 2, 3, 4), Eps, Atol, Rtol, "Flatten");

    [Theory]
    [InlineData(0f, true)]
    [InlineData(0.3f, false)]
    public void Dropout_IdentityModes_BackwardMatchesFiniteDifferences(float p, bool training) =>
        CheckLayer(new Dropout([9], p, seed: 6), Uniform(new Rng(6), -1, 1, 4, 9), Eps, Atol, Rtol, $"Dropout(p={p}, training={training})", training);

    [Fact]
    public void Dropout_Training_ScalesKeptElementsAndBackwardUsesTheForwardMask()
    {
        // A new mask per forward pass rules out finite differences; check the mask itself instead.
        const float p = 0.25f;
        var layer = new Dropout([1000], p, seed: 7);
        var x = Uniform(new Rng(7), 0.5f, 1, 8, 1000);
        var output = layer.Forward(x, training: true).Span.ToArray();
        var mask = layer.LastMask.ToArray();
        var dout = Uniform(new Rng(8), -1, 1, 8, 1000);
        var dx = layer.Backward(dout).Span.ToArray();

        var scale = 1f / (1f - p);
        Assert.All(mask, m => Assert.True(m == 0f || m == scale, $"mask value {m}"));
        AssertClose(output, x.Span.ToArray().Select((v, i) => v * mask[i]).ToArray(), 0, 0, "dropout out = x·mask");
        AssertClose(dx, dout.Span.ToArray().Select((v, i) => v * mask[i]).ToArray(), 0, 0, "dropout dx = dout·mask");
        var dropped = mask.Count(m => m == 0) / (double)mask.Length;
        Assert.InRange(dropped, p - 0.02, p + 0.02); // 8000 Bernoulli(0.25) draws: σ ≈ 0.005

        var again = new Dropout([1000], p, seed: 7);
        again.Forward(x, training: true);
        Assert.Equal(mask, again.LastMask.ToArray());
        layer.Forward(x, training: true);
        Assert.NotEqual(mask, layer.LastMask.ToArray());
    }

    [Fact]
    public void Relu_GradientAtZero_IsZeroAsPyTorch()
    {
        var layer = new Relu([3]);
        layer.Forward(new Tensor([0f, -0f, 1f], 1, 3), training: true);
        var dx = layer.Backward(new Tensor([5f, 5f, 5f], 1, 3));
        Assert.Equal([0f, 0f, 5f], dx.Span.ToArray());
    }
}
