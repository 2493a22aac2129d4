using MultiTeacher.Core.Layers;
using Xunit.Sdk;
using static MultiTeacher.Core.Tests.Nn.Close;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>The comparison the golden and gradient tests rest on can fail, and says where.</summary>
public sealed class CloseTests
{
    [Fact]
    public void AssertClose_OneElementOff_FailsNamingTheWorstElement()
    {
        float[] expected = [1f, 2f, 3f, 4f, 5f, 6f];
        float[] actual = [1f, 2.001f, 3f, 4f, 5.1f, 6f];
        var error = Assert.Throws<XunitException>(() => AssertClose(actual, expected, 1e-5, 1e-4, "sample", [2, 3]));
        Assert.Contains("sample: 2 of 6 elements differ", error.Message, StringComparison.Ordinal);
        Assert.Contains("worst at index 4 [1, 1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("actual 5.099999904632568, expected 5", error.Message, StringComparison.Ordinal);
        Assert.Contains("rel error 0.02", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AssertClose_WithinAbsolutePlusRelativeTolerance_Passes()
    {
        AssertClose([100.009f, 0.00001f], [100f, 0f], 1e-4, 1e-4, "within atol + rtol·|expected|");
        AssertClose([float.NaN, float.PositiveInfinity], [float.NaN, float.PositiveInfinity], 0, 0, "NaN and ∞ match themselves");
    }

    [Theory]
    [InlineData(float.NaN, 1f)]
    [InlineData(1f, float.NaN)]
    [InlineData(float.PositiveInfinity, float.NegativeInfinity)]
    [InlineData(float.PositiveInfinity, 3e38f)]
    public void AssertClose_NonFiniteMismatch_Fails(float actual, float expected) =>
        Assert.Throws<XunitException>(() => AssertClose([actual], [expected], 1, 1, "non-finite"));

    [Fact]
    public void AssertClose_DifferentLengths_Fails() =>
        Assert.Throws<XunitException>(() => AssertClose([1f, 2f], [1f], 1, 1, "lengths"));

    [Fact]
    public void AssertClose_Scalar_FailsWithBothValues()
    {
        var error = Assert.Throws<XunitException>(() => AssertClose(1.5, 1.0, 1e-6, 1e-6, "loss"));
        Assert.Contains("loss: actual 1.5, expected 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GoldenDense_DeliberatelyWrongReference_Fails()
    {
        // The real golden output with one element nudged by 1e-3: the layer's (correct) output must be rejected.
        var g = GoldenFile.Load("dense");
        var layer = new Dense(7, 5);
        var parameters = LayerHarness.Bind(layer);
        g["weight"].CopyTo(parameters.Value(parameters.Weight(layer)));
        g["bias"].CopyTo(parameters.Value(parameters.Bias(layer)));
        var output = layer.Forward(g.Tensor("x"), training: false).Span.ToArray();
        var wrong = g["out"];
        wrong[13] += 1e-3f;

        AssertClose(output, g["out"], 1e-5, 1e-4, "dense out");
        var error = Assert.Throws<XunitException>(() => AssertClose(output, wrong, 1e-5, 1e-4, "dense out (wrong reference)", [4, 5]));
        Assert.Contains("worst at index 13 [2, 3]", error.Message, StringComparison.Ordinal);
    }
}
