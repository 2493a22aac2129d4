using MultiTeacher.Core.Layers;
using static MultiTeacher.Core.Tests.Nn.Close;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>
/// Every layer against PyTorch (golden files of tests/pytorch/generate_golden.py): output, input gradient and parameter
/// gradients for an upstream gradient dout, on each GEMM backend. References are float64 results of the same float32
/// inputs, so the tolerances bound this code's float32 rounding.
/// </summary>
public sealed class LayerGoldenTests
{
    private const double Atol = 1e-5;
    private const double Rtol = 1e-4;

    [Theory]
    [MemberData(nameof(GemmBackends.Names), MemberType = typeof(GemmBackends))]
    public void Dense_GoldenFile_MatchesPyTorch(string backend)
    {
        using var scope = GemmBackends.Use(backend);
        CheckLayerWithParameters("dense", new Dense(7, 5), backend);
    }

    [Theory]
    [MemberData(nameof(GemmBackends.Names), MemberType = typeof(GemmBackends))]
    public void Conv2d_Padding0_MatchesPyTorch(string backend)
    {
        using var scope = GemmBackends.Use(backend);
        CheckLayerWithParameters("conv2d_pad0", new Conv2d([3, 6, 6], 4, 3, padding: 0), backend);
    }

    [Theory]
    [MemberData(nameof(GemmBackends.Names), MemberType = typeof(GemmBackends))]
    public void Conv2d_Padding1_MatchesPyTorch(string backend)
    {
        using var scope = GemmBackends.Use(backend);
        CheckLayerWithParameters("conv2d_pad1", new Conv2d([3, 6, 6], 4, 3, padding: 1), backend);
    }

    [Theory]
    [MemberData(nameof(GemmBackends.Names), MemberType = typeof(GemmBackends))]
    public void Conv2d_NonSquareInputKernel5Padding2_MatchesPyTorch(string backend)
    {
        using var scope = GemmBackends.Use(backend);
        CheckLayerWithParameters("conv2d_pad2_k5", new Conv2d([2, 5, 7], 3, 5, padding: 2), backend);
    }

    [Fact]
    public void MaxPool2d_GoldenFile_MatchesPyTorch() => CheckLayer("maxpool2d", new MaxPool2d([3, 6, 6], 2), training: true);

    [Fact]
    public void MaxPool2d_TiesAndOddSize_GradientGoesToFirstMaximumAsPyTorch()
    {
        var g = GoldenFile.Load("maxpool2d_ties");
        var layer = new MaxPool2d([2, 7, 7], 2);
        CheckLayer("maxpool2d_ties", layer, training: true);

        // The golden values are small integers: compare exactly, so a tie sent to another element cannot hide.
        AssertClose(layer.Backward(g.Tensor("dout")).Span, g["dx"], 0, 0, "maxpool2d_ties dx (exact)", layer.InputShape.Prepend(2).ToArray());
    }

    [Fact]
    public void Relu_WithExactZeros_MatchesPyTorch() => CheckLayer("relu", new Relu([8]), training: true);

    [Fact]
    public void Flatten_GoldenFile_MatchesPyTorch() => CheckLayer("flatten", new Flatten([3, 4, 4]), training: true);

    [Theory]
    [InlineData("p0_train", 0f, true)]
    [InlineData("p0_eval", 0f, false)]
    [InlineData("p05_eval", 0.5f, false)]
    public void Dropout_IdentityModes_MatchPyTorch(string label, float p, bool training)
    {
        var g = GoldenFile.Load("dropout");
        var layer = new Dropout([6], p, seed: 1);
        var output = layer.Forward(g.Tensor("x"), training);
        AssertClose(output.Span, g[$"{label}.out"], 0, 0, $"dropout {label} out");
        Assert.Equal(g.Shape($"{label}.out"), output.Shape.ToArray());
        var dx = layer.Backward(g.Tensor($"{label}.dout"));
        AssertClose(dx.Span, g[$"{label}.dx"], 0, 0, $"dropout {label} dx");
    }

    /// <summary>Loads weights, checks forward and backward, then checks that a second backward accumulates.</summary>
    private static void CheckLayerWithParameters(string file, Layer layer, string backend)
    {
        var g = GoldenFile.Load(file);
        var parameters = LayerHarness.Bind(layer);
        var (weight, bias) = (parameters.Weight(layer), parameters.Bias(layer));
        Assert.Equal(g.Shape("weight"), weight.Shape);
        Assert.Equal(g.Shape("bias"), bias.Shape);
        g["weight"].CopyTo(parameters.Value(weight));
        g["bias"].CopyTo(parameters.Value(bias));

        var label = $"{file} [{backend}]";
        var output = layer.Forward(g.Tensor("x"), training: true);
        Assert.Equal(g.Shape("out"), output.Shape.ToArray());
        AssertClose(output.Span, g["out"], Atol, Rtol, $"{label} out", output.Shape);

        var dx = layer.Backward(g.Tensor("dout"));
        Assert.Equal(g.Shape("dx"), dx.Shape.ToArray());
        AssertClose(dx.Span, g["dx"], Atol, Rtol, $"{label} dx", dx.Shape);
        AssertClose(parameters.Gradient(weight), g["dweight"], Atol, Rtol, $"{label} dweight", weight.Shape);
        AssertClose(parameters.Gradient(bias), g["dbias"], Atol, Rtol, $"{label} dbias", bias.Shape);

        // Backward accumulates parameter gradients (PyTorch's .grad semantics).
        layer.Forward(g.Tensor("x"), training: true);
        layer.Backward(g.Tensor("dout"));
        AssertClose(parameters.Gradient(weight), Twice(g["dweight"]), 2 * Atol, Rtol, $"{label} dweight accumulated");
        AssertClose(parameters.Gradient(bias), Twice(g["dbias"]), 2 * Atol, Rtol, $"{label} dbias accumulated");
    }

    private static void CheckLayer(string file, Layer layer, bool training)
    {
        var g = GoldenFile.Load(file);
        Assert.Empty(layer.ParameterShapes);
        var output = layer.Forward(g.Tensor("x"), training);
        Assert.Equal(g.Shape("out"), output.Shape.ToArray());
        AssertClose(output.Span, g["out"], Atol, Rtol, $"{file} out", output.Shape);
        var dx = layer.Backward(g.Tensor("dout"));
        Assert.Equal(g.Shape("dx"), dx.Shape.ToArray());
        AssertClose(dx.Span, g["dx"], Atol, Rtol, $"{file} dx", dx.Shape);
    }

    private static float[] Twice(float[] values) => Array.ConvertAll(values, v => 2 * v);
}
