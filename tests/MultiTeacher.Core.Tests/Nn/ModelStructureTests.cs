using System.Text.Json;
using MultiTeacher.Core.Models;

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
        var model = Model.Create(architecture, seed: 1);
        Assert.Equal(count, model.Parameters.Count);
        Assert.Equal(count, model.Parameters.Gradients.Length);
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
        var model = Model.Create(architecture, seed: 1);
        Assert.Equal(layout.Select(e => e[0].GetString()), model.Parameters.Parameters.Select(p => p.Name));
        Assert.Equal(layout.Select(e => e[1].Deserialize<int[]>()!), model.Parameters.Parameters.Select(p => p.Shape));

        // The parameters tile the buffer in state_dict order, without gaps.
        var offset = 0;
        foreach (var parameter in model.Parameters.Parameters)
        {
            Assert.Equal(offset, parameter.Offset);
            offset += parameter.Length;
        }

        Assert.Equal(model.Parameters.Count, offset);
    }

    [Fact]
    public void Create_Cnn_LayersAreTheIssuesSequence()
    {
        var model = Model.Create("cnn:32-64-128", seed: 1);
        Assert.Equal(
            ["0: Conv2d(1→32, 3×3, padding=0)", "1: ReLU", "2: MaxPool2d(2)", "3: Conv2d(32→64, 3×3, padding=0)", "4: ReLU",
             "5: MaxPool2d(2)", "6: Flatten(64, 5, 5)", "7: Dense(1600→128)", "8: ReLU", "9: Dense(128→10)"],
            model.Layers.Select(l => l.ToString()));
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"],
            model.Parameters.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void Create_MlpWithDropout_SkipsDropoutIndicesInNames()
    {
        var model = Model.Create("mlp:784-1200-1200-10?dropout=0.2", seed: 1);
        Assert.Equal(["0: Dense(784→1200)", "1: ReLU", "2: Dropout(p=0.2)", "3: Dense(1200→1200)", "4: ReLU", "5: Dropout(p=0.2)", "6: Dense(1200→10)"],
            model.Layers.Select(l => l.ToString()));
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias"], model.Parameters.Parameters.Select(p => p.Name));
    }

    [Theory]
    [InlineData("cnn:32-64-128")]
    [InlineData("mlp:784-1200-1200-10")]
    public void Create_Initialization_UniformWithinOneOverSqrtFanIn(string architecture)
    {
        var model = Model.Create(architecture, seed: 3);
        var fanIn = 0;
        foreach (var parameter in model.Parameters.Parameters)
        {
            if (parameter.Name.EndsWith(".weight", StringComparison.Ordinal))
            {
                fanIn = parameter.Length / parameter.Shape[0];
            }

            var bound = 1 / Math.Sqrt(fanIn);
            var values = model.Parameters.Value(parameter).ToArray();
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
        var first = Model.Create("cnn:32-64-128", seed: 42).Parameters.Values;
        var again = Model.Create("cnn:32-64-128", seed: 42).Parameters.Values;
        var other = Model.Create("cnn:32-64-128", seed: 43).Parameters.Values;
        Assert.Equal(first, again);
        Assert.True(first.Zip(other).Count(p => p.First == p.Second) < first.Length / 1000);
    }

    [Fact]
    public void Create_DropoutModelsWithSameSeed_DrawTheSameMasks()
    {
        var input = new Tensors.Tensor(Enumerable.Repeat(1f, 4 * 784).ToArray(), 4, 784);
        var a = Model.Create("mlp:784-64-10?dropout=0.5", seed: 9);
        var b = Model.Create("mlp:784-64-10?dropout=0.5", seed: 9);
        Assert.Equal(a.Forward(input, training: true).Span.ToArray(), b.Forward(input, training: true).Span.ToArray());
        Assert.Equal(a.Forward(input, training: false).Span.ToArray(), b.Forward(input, training: false).Span.ToArray());
    }
}
