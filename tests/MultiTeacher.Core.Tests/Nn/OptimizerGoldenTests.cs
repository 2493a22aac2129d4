using System.Text.Json;
using MultiTeacher.Core.Models;
using MultiTeacher.Core.Optimizers;
using TorchSharp;
using static MultiTeacher.Core.Tests.Nn.Close;

namespace MultiTeacher.Core.Tests.Nn;

/// <summary>
/// Three steps of Adam and SGD (as <see cref="Optimizer.Create"/> makes them) on a Linear(7→5) with fixed gradients,
/// against torch.optim in float32. Values are compared, and so are the updates θ_t − θ_0, whose relative error shows a
/// wrong rule (or setting) even when the updates are small next to the parameters.
/// </summary>
public sealed class OptimizerGoldenTests
{
    [Theory]
    [InlineData("adam")]
    [InlineData("adam_wd")]
    [InlineData("sgd")]
    [InlineData("sgd_momentum")]
    [InlineData("sgd_momentum_wd")]
    public void Optimizer_ThreeSteps_MatchPyTorch(string name)
    {
        var g = GoldenFile.Load("optimizers");
        using var model = Model.Create("mlp:7-5", seed: 1);
        var start = g["weight"].Concat(g["bias"]).ToArray();
        model.SetWeights(start);
        var settings = JsonDocument.Parse(g.Meta(name)).RootElement;
        using var optimizer = Optimizer.Create(name.StartsWith("adam", StringComparison.Ordinal) ? "adam" : "sgd", model,
            settings.GetProperty("lr").GetSingle(), settings.TryGetProperty("momentum", out var m) ? m.GetSingle() : 0,
            settings.GetProperty("weight_decay").GetSingle());
        var (weight, bias) = (model.parameters().First(), model.parameters().Last());

        for (var step = 1; step <= 3; step++)
        {
            using (torch.NewDisposeScope())
            {
                // Into the gradients in place: they are views of the model's flat gradient, which the optimizer reads.
                weight.grad!.copy_(g.Tensor($"grad{step}.weight"));
                bias.grad!.copy_(g.Tensor($"grad{step}.bias"));
                optimizer.Step();
            }

            var expected = g[$"{name}.step{step}.weight"].Concat(g[$"{name}.step{step}.bias"]).ToArray();
            var actual = model.GetWeights();
            AssertClose(actual, expected, 1e-7, 1e-6, $"{name} step {step} parameters");
            AssertClose(Delta(actual, start), Delta(expected, start), 1e-7, 1e-3, $"{name} step {step} update");
        }

        Assert.Equal(3, optimizer.Steps);
    }

    [Fact]
    public void StateBuffers_RestoredIntoAFreshOptimizer_ContinueExactly()
    {
        var g = GoldenFile.Load("optimizers");
        using var a = Model.Create("mlp:7-5", seed: 1);
        using var b = Model.Create("mlp:7-5", seed: 2);
        using var first = Optimizer.Create("adam", a, 0.01f);
        Step(a, first, g, 1);
        Step(a, first, g, 2);
        b.SetWeights(a.GetWeights());
        using var second = Optimizer.Create("adam", b, 0.01f);
        second.RestoreState(first.StateBuffers, first.Steps);

        Step(a, first, g, 3);
        Step(b, second, g, 3);

        Assert.Equal(a.GetWeights(), b.GetWeights());
        Assert.Equal(first.StateBuffers["adam.exp_avg_sq"], second.StateBuffers["adam.exp_avg_sq"]);
    }

    [Fact]
    public void SgdMomentumBuffer_RestoredIntoAFreshOptimizer_ContinuesExactly()
    {
        var g = GoldenFile.Load("optimizers");
        using var a = Model.Create("mlp:7-5", seed: 1);
        using var b = Model.Create("mlp:7-5", seed: 2);
        using var first = Optimizer.Create("sgd", a, 0.01f, momentum: 0.9f, weightDecay: 0.01f);
        Step(a, first, g, 1);
        Step(a, first, g, 2);
        b.SetWeights(a.GetWeights());
        using var second = Optimizer.Create("sgd", b, 0.01f, momentum: 0.9f, weightDecay: 0.01f);
        second.RestoreState(first.StateBuffers, first.Steps);

        Step(a, first, g, 3);
        Step(b, second, g, 3);

        Assert.Equal(a.GetWeights(), b.GetWeights());
        Assert.NotEqual(new float[a.ParameterCount], second.StateBuffers["sgd.momentum_buffer"]);
    }

    private static void Step(Model model, Optimizer optimizer, GoldenFile g, int step)
    {
        using var scope = torch.NewDisposeScope();
        model.parameters().First().grad!.copy_(g.Tensor($"grad{step}.weight"));
        model.parameters().Last().grad!.copy_(g.Tensor($"grad{step}.bias"));
        optimizer.Step();
    }

    private static float[] Delta(float[] values, float[] start) => values.Select((v, i) => v - start[i]).ToArray();
}
