using System.Text.Json;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Torch;
using TorchSharp;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>Parameter counts, names and shapes as PyTorch's state_dict, and PyTorch's default initialisation, seeded.</summary>
public sealed class ModelStructureTests
{
    [Theory]
    [InlineData("mlp:784-1200-1200-10", 2_395_210)]
    [InlineData("mlp:784-1200-1200-10?dropout=0.2", 2_395_210)]
    [InlineData("cnn:32-64-128", 225_034)]
    [InlineData("mlp:784-64-10", 50_890)]
    [InlineData("mlp:784-64-10?dropout=0.2", 50_890)]
    public void Create_KnownArchitecture_HasPyTorchsParameterCount(string architecture, int count)
    {
        using var model = Model.Create(architecture, seed: 1);
        Assert.Equal(count, model.ParameterCount);
        Assert.Equal(count, model.GetWeights().Length);
        Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), GoldenFile.Load("cnn").Meta($"params.{architecture}"));
    }

    [Theory]
    [InlineData("cnn:32-64-128")]
    [InlineData("mlp:784-1200-1200-10")]
    [InlineData("mlp:784-1200-1200-10?dropout=0.2")]
    [InlineData("mlp:784-64-10")]
    [InlineData("mlp:784-64-10?dropout=0.2")]
    public void Create_KnownArchitecture_NamesAndShapesEqualPyTorchStateDict(string architecture)
    {
        // Written by generate_golden.py from multiteacher_torch.build(arch).state_dict().
        var layout = JsonSerializer.Deserialize<JsonElement[][]>(GoldenFile.Load("cnn").Meta($"state_dict.{architecture}"))!;
        using var model = Model.Create(architecture, seed: 1);
        Assert.Equal(layout.Select(e => e[0].GetString()), model.Layout.Select(p => p.Name));
        Assert.Equal(layout.Select(e => e[1].Deserialize<int[]>()!), model.Layout.Select(p => p.Shape));
        // The torch module's own state_dict has the same keys in the same order: no renaming anywhere.
        Assert.Equal(layout.Select(e => e[0].GetString()), model.state_dict().Keys);
    }

    [Fact]
    public void Create_Cnn_LayersAreTheIssuesSequence()
    {
        using var model = Model.Create("cnn:32-64-128", seed: 1);
        Assert.Equal(
            ["0: Conv2d(1→32, 3×3)", "1: ReLU", "2: MaxPool2d(2)", "3: Conv2d(32→64, 3×3)", "4: ReLU",
             "5: MaxPool2d(2)", "6: Flatten(64, 5, 5)", "7: Linear(1600→128)", "8: ReLU", "9: Linear(128→10)"],
            model.LayerDescriptions);
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"],
            model.Layout.Select(p => p.Name));
    }

    [Fact]
    public void Create_MlpWithDropout_SkipsDropoutIndicesInNames()
    {
        using var model = Model.Create("mlp:784-1200-1200-10?dropout=0.2", seed: 1);
        Assert.Equal(["0: Linear(784→1200)", "1: ReLU", "2: Dropout(p=0.2)", "3: Linear(1200→1200)", "4: ReLU", "5: Dropout(p=0.2)", "6: Linear(1200→10)"],
            model.LayerDescriptions);
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias"], model.Layout.Select(p => p.Name));
    }

    [Theory]
    [InlineData("cnn:32-64-128")]
    [InlineData("mlp:784-1200-1200-10")]
    public void Create_Initialization_UniformWithinOneOverSqrtFanIn(string architecture)
    {
        using var model = Model.Create(architecture, seed: 3);
        var all = model.GetWeights();
        var offset = 0;
        var fanIn = 0;
        foreach (var parameter in model.Layout)
        {
            if (parameter.Name.EndsWith(".weight", StringComparison.Ordinal))
            {
                fanIn = parameter.Length / parameter.Shape[0];
            }

            var bound = 1 / Math.Sqrt(fanIn);
            var values = all.AsSpan(offset, parameter.Length).ToArray();
            offset += parameter.Length;
            Assert.All(values, v => Assert.InRange(Math.Abs(v), 0, bound));

            // U(−b, b): mean 0 and variance b²/3, to within a few standard errors; the extremes come near ±b.
            var n = values.Length;
            var mean = values.Average(v => (double)v);
            var variance = values.Average(v => (double)v * v);
            Assert.InRange(mean, -5 * bound / Math.Sqrt(3 * n), 5 * bound / Math.Sqrt(3 * n));
            Assert.InRange(variance / (bound * bound / 3), 1 - 5 * Math.Sqrt(0.8 / n), 1 + 5 * Math.Sqrt(0.8 / n));
            if (n >= 64)
            {
                Assert.True(values.Max() > 0.8 * bound && values.Min() < -0.8 * bound, $"{parameter.Name}: range [{values.Min()}, {values.Max()}] for bound {bound}");
            }
        }
    }

    [Fact]
    public void Create_SameSeed_SameParameters_OtherSeed_OtherParameters()
    {
        var first = Model.Create("cnn:32-64-128", seed: 42).GetWeights();
        var again = Model.Create("cnn:32-64-128", seed: 42).GetWeights();
        var other = Model.Create("cnn:32-64-128", seed: 43).GetWeights();
        Assert.Equal(first, again);
        Assert.True(first.Zip(other).Count(p => p.First == p.Second) < first.Length / 1000);
    }

    [Fact]
    public void Create_DropoutModelsWithSameSeed_DrawTheSameMasks_WhateverOtherModelsDraw()
    {
        using var scope = torch.NewDisposeScope();
        var input = torch.ones(4, 784);
        using var a = Model.Create("mlp:784-64-10?dropout=0.5", seed: 9);
        using var b = Model.Create("mlp:784-64-10?dropout=0.5", seed: 9);
        using var other = Model.Create("mlp:784-64-10?dropout=0.5", seed: 9);
        a.train();
        b.train();
        other.train();
        var first = TensorData.ToArray(a.forward(input));
        // Another model drawing masks in between (another actor, another thread) does not move b's masks.
        other.forward(input);
        torch.manual_seed(123);
        Assert.Equal(first, TensorData.ToArray(b.forward(input)));
        Assert.NotEqual(first, TensorData.ToArray(a.forward(input)));
        a.eval();
        b.eval();
        Assert.Equal(TensorData.ToArray(a.forward(input)), TensorData.ToArray(b.forward(input)));
    }
}
