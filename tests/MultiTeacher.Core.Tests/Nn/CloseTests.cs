using MultiTeacher.Core.Losses;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;
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
    public void GoldenDistillation_SlightlyWrongTemperature_Fails()
    {
        // The golden gradient of T=2, α=0.5 against a loss computed at T=2.01: the comparison must reject it.
        var g = GoldenFile.Load("distillation");
        using var scope = torch.NewDisposeScope();
        var zs = g.Tensor("zs").requires_grad_(true);
        new DistillationLoss(2.01f, 0.5f).Terms(zs, g.Labels("labels.all"), g.Tensor("T2_a0.5.pbar")).Total.backward();

        var error = Assert.Throws<XunitException>(() => AssertClose(TensorData.ToArray(zs.grad!), g["T2_a0.5.all.dz"], 1e-6, 1e-5, "dz", [6, 10]));
        Assert.Contains("dz: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GoldenInit_AnotherSeed_Fails()
    {
        var g = GoldenFile.Load("init");
        const string Architecture = "cnn:8-16-32";
        using var model = Model.Create(Architecture, ulong.Parse(g.Meta(Architecture), System.Globalization.CultureInfo.InvariantCulture) + 1);
        var expected = model.Layout.SelectMany(p => g[$"{Architecture}.{p.Name}"]).ToArray();

        Assert.Throws<XunitException>(() => AssertClose(model.GetWeights(), expected, 1e-6, 1e-5, "initial weights"));
    }
}
