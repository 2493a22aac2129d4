using System.Globalization;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;
using static MultiTeacher.Core.Tests.Nn.Close;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>Named intermediate outputs of our architectures: PyTorch's values, the names and shapes, and refusals.</summary>
public sealed class ModelFeatureTests
{
    [Fact]
    public void ForwardWithFeatures_SeededCnn_MatchesPyTorchPerLayer()
    {
        var g = GoldenFile.Load("features");
        var layers = g.Meta("model.layers").Split(',');
        using var model = Model.Create(g.Meta("model.arch"), ulong.Parse(g.Meta("model.seed"), CultureInfo.InvariantCulture));
        model.eval();
        using var scope = torch.NewDisposeScope();

        var result = model.ForwardWithFeatures(g.Tensor("model.x"), layers);

        for (var i = 0; i < layers.Length; i++)
        {
            var expectedShape = g.Shape($"model.{layers[i]}");
            Assert.Equal(expectedShape.Select(d => (long)d), result.Features[i].shape);
            Assert.Equal(expectedShape[1..], model.FeatureShape(layers[i]));
            AssertClose(TensorData.ToArray(result.Features[i]), g[$"model.{layers[i]}"], 5e-6, 1e-4, $"layer {layers[i]}", expectedShape);
        }

        AssertClose(TensorData.ToArray(result.Logits), g["model.9"], 5e-6, 1e-4, "logits");
    }

    [Fact]
    public void ForwardWithFeatures_TrainingWithDropout_LogitsEqualForwardBitForBit()
    {
        using var a = Model.Create("mlp:784-32-16-10?dropout=0.5", 3);
        using var b = Model.Create("mlp:784-32-16-10?dropout=0.5", 3);
        using var scope = torch.NewDisposeScope();
        var x = torch.rand(5, 784, generator: new torch.Generator(1));

        var plain = TensorData.ToArray(a.forward(x));
        var withFeatures = b.ForwardWithFeatures(x, ["2", "5"]);

        Assert.Equal(plain, TensorData.ToArray(withFeatures.Logits));
        Assert.Equal([5L, 32], withFeatures.Features[0].shape);
        Assert.Equal([5L, 16], withFeatures.Features[1].shape);
    }

    [Fact]
    public void FeatureShape_Cnn_NamesEveryLayerAsPyTorch()
    {
        using var model = Model.Create("cnn:32-64-128", 1);
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], model.LayerNames);
        Assert.Equal([32, 26, 26], model.FeatureShape("0"));
        Assert.Equal([64, 11, 11], model.FeatureShape("3"));
        Assert.Equal([1600], model.FeatureShape("6"));
        Assert.Equal([10], model.FeatureShape("9"));
        Assert.True(model.IsSpatial("5"));
        Assert.False(model.IsSpatial("7"));
    }

    [Fact]
    public void ForwardWithFeatures_UnknownLayer_RefusedListingTheLayers()
    {
        using var model = Model.Create("cnn:8-16-32", 1);
        using var scope = torch.NewDisposeScope();
        var e = Assert.Throws<UnknownLayerException>(() => model.ForwardWithFeatures(torch.zeros(1, 784), ["features.3"]));
        Assert.Contains("'features.3'", e.Message, StringComparison.Ordinal);
        Assert.Contains("3: Conv2d(8→16, 3×3)", e.Message, StringComparison.Ordinal);
        Assert.Throws<UnknownLayerException>(() => model.FeatureShape("10"));
    }
}
